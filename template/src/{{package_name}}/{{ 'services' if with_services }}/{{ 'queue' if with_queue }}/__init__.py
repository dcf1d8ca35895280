"""Heavy work on workers: a job queue the API talks to, whichever engine runs the jobs.

`base` is the engine-neutral contract the routes use, `report` the example job itself; the engine's
modules (`adapter` and its broker or app) carry jobs to worker processes and their results back.
"""
