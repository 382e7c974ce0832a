-- POST /api/rooms/create with a bearer token from $PARLEY_TOKEN.
wrk.method = "POST"
wrk.body = '{"name":"Benchmark room"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PARLEY_TOKEN")
