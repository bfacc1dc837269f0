#!/usr/bin/env python3
"""Writes a wrk Lua script that posts COUNT signed Shopify `carts/update` notifications, each
a new event (its own X-Shopify-Event-Id) about one of CARTS platform carts, round-robin, the
quantity moving on each round, so every notification appends (the first of a cart opens it
and adds its item; later ones change the quantity). Signed here with SECRET (base64
HMAC-SHA256 of the raw body, as Shopify signs), so the server does the real verification.

Usage: make_notifications.py SECRET COUNT CARTS MERCHANT OUT_LUA
"""
import base64
import datetime
import hashlib
import hmac
import json
import sys

secret, count, carts, merchant, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
triggered = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


with open(out, "w") as lua:
    lua.write(f'path = "/v1/webhooks/{merchant}/shopify"\ntriggered = "{triggered}"\nnotes = {{\n')
    for i in range(count):
        cart = i % carts
        quantity = (i // carts) % 999 + 1
        body = json.dumps({
            "id": f"bench-cart-{cart}", "token": f"bench-cart-{cart}",
            "line_items": [{"id": 41230943535137, "quantity": quantity, "variant_id": 41230943535137, "sku": "GRINDER-C40",
                            "title": "Conical burr grinder", "price": "129.50", "line_price": f"{129.5 * quantity:.2f}"}],
            "updated_at": triggered,
        }, separators=(",", ":"))
        mac = base64.b64encode(hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()).decode()
        lua.write(f"  {{{lua_string(body)}, {lua_string(mac)}}},\n")
    lua.write("}\n")
    lua.write("""
local threads = {}
local counter = 0

function setup(thread)
  thread:set("slice", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Each of the two wrk threads takes every other notification, so none is sent twice.
  step = 2
end

function request()
  local index = slice + counter * step + 1
  counter = counter + 1
  if index > #notes then
    exhausted = true
    index = (index - 1) % #notes + 1
  end
  local note = notes[index]
  return wrk.format("POST", path,
    {["Content-Type"] = "application/json", ["X-Shopify-Topic"] = "carts/update",
     ["X-Shopify-Event-Id"] = "bench-" .. index, ["X-Shopify-Triggered-At"] = triggered,
     ["X-Shopify-Hmac-Sha256"] = note[2]},
    note[1])
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
    if errors <= 3 then io.stderr:write("unexpected status " .. status .. ": " .. body .. "\\n") end
  elseif string.find(body, '"duplicate"', 1, true) then
    duplicates = (duplicates or 0) + 1
  end
end
""")
    lua.write("""
function done(summary, latency, requests)
  local errs, dups, exhausted = 0, 0, false
  for _, thread in ipairs(threads) do
    errs = errs + (thread:get("errors") or 0)
    dups = dups + (thread:get("duplicates") or 0)
    if thread:get("exhausted") then exhausted = true end
  end
  io.write(string.format("webhook-check errors=%d duplicates=%d exhausted=%s\\n", errs, dups, tostring(exhausted)))
end
""")
print(f"{count} signed notifications over {carts} carts ready", file=sys.stderr)
