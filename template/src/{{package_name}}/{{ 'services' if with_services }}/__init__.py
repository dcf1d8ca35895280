"""Clients of the services this one depends on, each opened and closed by the app's lifespan."""
