// Cartline agent console: the merchant's requested calls with the shopper's cart (the screen
// pop), refreshed from the log every two seconds. The token stays in the URL fragment, which
// browsers never send to the server; the script sends it as a bearer token.
"use strict";

const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const $ = (id) => document.getElementById(id);
let known = new Set();

function render(list) {
  $("merchant").textContent = `— ${list.merchantId}`;
  $("no-calls").hidden = list.calls.length > 0;
  const calls = $("calls");
  calls.replaceChildren();
  for (const call of list.calls) {
    const item = document.createElement("li");
    item.className = "call" + (known.has(call.callId) ? "" : " new");
    item.dataset.callId = call.callId;
    const head = document.createElement("p");
    head.textContent = `${call.status}: call ${call.mode === "pstn" ? "phone" : "VoIP"} ${call.destination} for ${call.agentName}, requested ${new Date(call.requestedAt).toLocaleTimeString()}`;
    const cart = document.createElement("p");
    cart.className = "cart";
    cart.textContent = call.cart
      ? `Cart (${call.cart.status}): ` + call.cart.items.map((line) => `${line.quantity} × ${line.name}`).join(", ") + ` — ${call.cart.total.display}`
      : "Cart: not found";
    item.append(head, cart);
    calls.append(item);
  }
  known = new Set(list.calls.map((call) => call.callId));
}

async function refresh() {
  try {
    const response = await fetch("/v1/agent/calls", { headers: { Authorization: `Bearer ${token}` } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
    $("message").textContent = "";
    render(body);
    document.body.dataset.ready = "true";
  } catch (error) {
    $("message").textContent = error.message;
  }
}

refresh();
setInterval(refresh, 2000);
