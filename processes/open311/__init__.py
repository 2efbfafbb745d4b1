"""Open311 GeoReport v2: the hotline as seen by citizens' apps (services, service requests, client keys)."""
