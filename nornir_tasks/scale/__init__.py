"""Runs beyond one process: the inventory cut into shards, each collected by Nornir in its own
process (``processes``) or on a worker elsewhere, the masked collections sent back, and
diagnosis, history and reports done once over the whole fleet by the coordinator.

``shard`` is the interface every engine shares (``ShardSpec``, ``run_shard``,
``ShardResult``); ``processes`` runs the shards on this machine's cores. Nothing here prints:
progress goes to the caller's callbacks.
"""
