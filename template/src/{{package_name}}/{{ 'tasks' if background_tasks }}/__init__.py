"""Work that runs after the response: every task goes through `runner.TaskRunner`."""
