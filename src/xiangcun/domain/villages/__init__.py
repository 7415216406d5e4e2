"""Villages as the plan sees them: classes and lists, merges and layout rules, in plain Python."""
