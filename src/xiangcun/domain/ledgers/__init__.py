"""The plan's ledgers (台账): columns a county defines, the household toilet ledger and the schools ledger."""
