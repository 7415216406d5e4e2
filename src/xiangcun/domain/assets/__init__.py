"""Poverty-alleviation project assets (扶贫项目资产): the ledger, income distribution and public disclosure.

Plain Python, no Django: the workbook reader (`workbook`), the ledger's vocabulary and warnings
(`ledger`), the distribution rules (`distribution`) and the 公示 rules (`disclosure`).
"""
