#!/usr/bin/env python3
"""Opens CARTS carts, each for a shopper of its own, through the real API, and writes a
wrk Lua script that adds items to them round-robin (each wrk thread on its own slice).

Usage: make_carts.py BASE_URL CARTS OUT_LUA
"""
import http.client
import json
import sys
from urllib.parse import urlparse

base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
url = urlparse(base)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
entries = []
for _ in range(count):
    connection.request("POST", "/v1/carts", body=json.dumps({"merchantId": "demo-shop"}),
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    body = json.loads(response.read())
    if response.status != 201:
        sys.exit(f"opening a cart answered {response.status}: {body}")
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    entries.append((cookie, body["id"]))

with open(out, "w") as lua:
    lua.write("carts = {\n")
    for cookie, cart in entries:
        lua.write(f'  {{"{cookie}", "{cart}"}},\n')
    lua.write("}\n")
    lua.write("""
skus = {"espresso-machine", "grinder", "beans-1kg", "tamper"}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("slice", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- wrk threads share one random seed: give each thread its own slice of the carts.
  slices = math.floor(#carts / 2)
  offset = (slice % 2) * slices
end

function request()
  counter = counter + 1
  local entry = carts[offset + (counter % slices) + 1]
  local sku = skus[math.floor(counter / slices) % #skus + 1]
  return wrk.format("POST", "/v1/carts/" .. entry[2] .. "/items",
    {["Cookie"] = entry[1], ["Content-Type"] = "application/json"},
    '{"sku":"' .. sku .. '","quantity":1}')
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\\n") end
  end
end
""")
print(f"{count} carts ready")
