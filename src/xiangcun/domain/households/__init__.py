"""防止返贫动态监测: the registry format, 身份证号 checks and the screening rules, as plain Python."""
