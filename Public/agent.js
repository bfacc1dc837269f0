// Cartline agent console: the merchant's requested calls with where each stands and the
// shopper's cart (the screen pop), refreshed from the log every two seconds; a call being
// talked ticks its length every second between refreshes. The token stays in the URL fragment, which
// browsers never send to the server; the script sends it as a bearer token.
"use strict";

const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
const $ = (id) => document.getElementById(id);
let known = new Set();

function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600), minutes = Math.floor((s % 3600) / 60), seconds = s % 60;
  const parts = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds || parts.length === 0) parts.push(`${seconds} s`);
  return parts.join(" ");
}

// The length of each call being talked, from when the agent joined.
function tickDurations() {
  for (const element of document.querySelectorAll("#calls .duration[data-since]")) {
    element.textContent = ` (${formatDuration((Date.now() - Date.parse(element.dataset.since)) / 1000)})`;
  }
}

function render(list) {
  $("merchant").textContent = `— ${list.merchantId}`;
  $("no-calls").hidden = list.calls.length > 0;
  const calls = $("calls");
  calls.replaceChildren();
  for (const call of list.calls) {
    const item = document.createElement("li");
    item.className = "call" + (known.has(call.callId) ? "" : " new");
    item.dataset.callId = call.callId;
    item.dataset.status = call.status;
    const head = document.createElement("p");
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = call.statusText;
    const duration = document.createElement("span");
    duration.className = "duration";
    if (call.status === "talking" && call.talkingSince) duration.dataset.since = call.talkingSince;
    const about = document.createElement("span");
    about.textContent = ` — ${call.mode === "pstn" ? "phone" : "VoIP"} call for ${call.agentName}, requested ${new Date(call.requestedAt).toLocaleTimeString()}`;
    head.append(status, duration, about);
    const cart = document.createElement("p");
    cart.className = "cart";
    cart.textContent = call.cart
      ? `Cart (${call.cart.status}): ` + call.cart.items.map((line) => `${line.quantity} × ${line.name}`).join(", ") + ` — ${call.cart.total.display}`
      : "Cart: not found";
    item.append(head, cart);
    calls.append(item);
  }
  known = new Set(list.calls.map((call) => call.callId));
  tickDurations();
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
setInterval(tickDurations, 1000);
