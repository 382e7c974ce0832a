-- GET with a bearer token from $PARLEY_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PARLEY_TOKEN")
