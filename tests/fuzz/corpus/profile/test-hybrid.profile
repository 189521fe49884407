# Test profile: deterministic on any host (the fake tree provides the paths).
host-always libfabric.so.*
