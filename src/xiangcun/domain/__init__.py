"""Plain-Python domain logic: no Django import anywhere below this package.

Django apps call into these modules with plain data and get plain data back, so the
logic stays fast, testable on its own and reusable from the command line.
"""
