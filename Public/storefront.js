// Cartline storefront: plain JavaScript on the public API only (no build step, no CDN).
// The session and preference cookies are HttpOnly: the server sets and reads them.
"use strict";

const state = { merchant: null, catalog: [], cart: null, offer: null };

const $ = (id) => document.getElementById(id);

function showMessage(text) { $("message").textContent = text || ""; }

// Calls the API; a problem+json answer becomes an Error carrying status and detail.
async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(data && data.detail ? data.detail : `${method} ${path}: ${response.status}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function newKey() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
}

async function loadMerchant() {
  const wanted = new URLSearchParams(location.search).get("merchant");
  const { merchants } = await api("GET", "/v1/merchants");
  state.merchant = merchants.find((m) => m.id === wanted) || merchants[0] || null;
  if (!state.merchant) { showMessage("No merchant is registered yet."); return; }
  $("shop-name").textContent = state.merchant.name;
  const catalog = await api("GET", `/v1/merchants/${encodeURIComponent(state.merchant.id)}/catalog`);
  state.catalog = catalog.items;
  renderCatalog();
}

async function loadCart() {
  if (!state.merchant) return;
  const { carts } = await api("GET", "/v1/carts");
  state.cart = carts.find((c) => c.merchantId === state.merchant.id && c.status !== "completed") || null;
  renderCart();
}

async function ensureCart() {
  if (state.cart) return state.cart;
  state.cart = await api("POST", "/v1/carts", { merchantId: state.merchant.id }, { "Idempotency-Key": newKey() });
  return state.cart;
}

// Changes carry the version we showed (If-Match); if someone else changed the cart, reload.
async function changeCart(method, suffix, body) {
  const cart = await ensureCart();
  try {
    state.cart = await api(method, `/v1/carts/${cart.id}${suffix}`, body, { "If-Match": `"${cart.version}"` });
  } catch (error) {
    if (error.status === 412) { await loadCart(); throw new Error("The cart changed elsewhere; it has been reloaded."); }
    throw error;
  }
  renderCart();
}

function renderCatalog() {
  const list = $("catalog");
  list.replaceChildren();
  for (const item of state.catalog) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = `${item.name} — ${item.unitPrice.display}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "add-item";
    button.dataset.sku = item.sku;
    button.textContent = "Add to cart";
    button.addEventListener("click", () => run(() => changeCart("POST", "/items", { sku: item.sku, quantity: 1 })));
    li.append(label, button);
    list.append(li);
  }
}

function renderCart() {
  const cart = state.cart;
  const items = cart ? cart.items : [];
  $("cart-empty").hidden = items.length > 0;
  $("cart-table").hidden = items.length === 0;
  $("cart-status").textContent = cart ? cart.status : "none";
  $("checkout").disabled = !cart || items.length === 0 || cart.status !== "open";
  $("complete").disabled = !cart || cart.status !== "checkingOut";
  const body = $("cart-items");
  body.replaceChildren();
  for (const line of items) {
    const row = document.createElement("tr");
    row.className = "cart-line";
    row.dataset.sku = line.sku;
    const qty = document.createElement("input");
    qty.type = "number"; qty.min = "1"; qty.max = "999"; qty.value = line.quantity; qty.className = "qty-input";
    qty.addEventListener("change", () => run(() => changeCart("PATCH", `/items/${encodeURIComponent(line.sku)}`, { quantity: Number(qty.value) })));
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "remove-item"; remove.textContent = "Remove";
    remove.addEventListener("click", () => run(() => changeCart("DELETE", `/items/${encodeURIComponent(line.sku)}`)));
    const cells = [line.name, line.unitPrice.display, qty, line.lineTotal.display, remove].map((content) => {
      const cell = document.createElement("td");
      cell.append(content);
      return cell;
    });
    row.append(...cells);
    body.append(row);
  }
  $("cart-total").textContent = cart ? cart.total.display : "";
  $("click-to-call").hidden = !cart || items.length === 0;
  if (cart) $("click-to-call").href = `/v1/carts/${cart.id}/call`;
}

async function loadPreferences() {
  try {
    const prefs = await api("GET", "/v1/preferences");
    $("pref-mode").value = prefs.mode;
    $("pref-phone").value = prefs.phone || "";
    $("pref-sip").value = prefs.sipUri || "";
    $("pref-consent").checked = prefs.consent;
    $("pref-quiet-start").value = prefs.quietHours ? prefs.quietHours.start : "";
    $("pref-quiet-end").value = prefs.quietHours ? prefs.quietHours.end : "";
    $("pref-tz").value = prefs.timeZone || "";
    $("prefs-status").textContent = `Saved preferences (${prefs.mode}).`;
  } catch (error) {
    if (error.status !== 404) throw error;  // 404: none saved yet
  }
}

async function savePreferences(event) {
  event.preventDefault();
  const optional = (id) => $(id).value.trim() || undefined;
  const start = optional("pref-quiet-start"), end = optional("pref-quiet-end");
  const body = {
    mode: $("pref-mode").value,
    phone: optional("pref-phone"),
    sipUri: optional("pref-sip"),
    consent: $("pref-consent").checked,
    quietHours: start && end ? { start, end } : undefined,
    timeZone: optional("pref-tz"),
  };
  const saved = await api("PUT", "/v1/preferences", body);
  $("prefs-status").textContent = `Saved preferences (${saved.mode}).`;
}

async function run(action) {
  showMessage("");
  try { await action(); } catch (error) { showMessage(error.message); }
}

// Offers of a call arrive over Server-Sent Events, pushed by the server when it decides the
// conversation is worth it; the browser reconnects on its own (and sees open offers again).
function showCall(call) {
  $("call-section").hidden = false;
  $("call-status").textContent = call.status;
  $("call-detail").textContent = `${call.agentName} will call ${call.destination} (${call.mode})`;
}

function listenForOffers() {
  const events = new EventSource("/v1/offers/stream");
  events.addEventListener("offer", (message) => {
    const offer = JSON.parse(message.data);
    if (offer.status === "expired") {
      if (state.offer && state.offer.offerId === offer.offerId) { state.offer = null; $("offer-section").hidden = true; }
      return;
    }
    state.offer = offer;
    $("offer-section").hidden = false;
    $("offer-text").textContent = `A sales advisor can call you now about your cart (offer open until ${new Date(state.offer.expiresAt).toLocaleTimeString()}).`;
  });
  events.addEventListener("call", (message) => showCall(JSON.parse(message.data)));
}

async function answerOffer(accept) {
  if (!state.offer) return;
  const offer = state.offer;
  state.offer = null;
  $("offer-section").hidden = true;
  const answer = await api("POST", `/v1/offers/${offer.offerId}/${accept ? "accept" : "decline"}`);
  if (accept) showCall(answer);
}

// One help button: the server decides what it means (call now, call back later, or why not).
async function askForHelp() {
  const answer = await api("POST", "/v1/help");
  if (answer.call) { showCall(answer.call); $("help-answer").textContent = ""; return; }
  const when = answer.callbackAt ? ` We will call you back at ${new Date(answer.callbackAt).toLocaleTimeString()}.` : "";
  $("help-answer").textContent = `${answer.reason || ""}.${when}`;
}

// The click-to-call link is a plain link to the API; the script only keeps the answer on the page.
async function clickToCall(event) {
  event.preventDefault();
  const answer = await api("GET", $("click-to-call").getAttribute("href"));
  if (answer.call) showCall(answer.call); else $("help-answer").textContent = answer.reason || "";
}

$("help").addEventListener("click", () => run(askForHelp));
$("click-to-call").addEventListener("click", (event) => run(() => clickToCall(event)));

$("offer-accept").addEventListener("click", () => run(() => answerOffer(true)));
$("offer-decline").addEventListener("click", () => run(() => answerOffer(false)));

$("checkout").addEventListener("click", () => run(() => changeCart("POST", "/checkout")));
$("complete").addEventListener("click", () => run(() => changeCart("POST", "/checkout/complete", { orderRef: $("order-ref").value })));
$("prefs-form").addEventListener("submit", (event) => run(() => savePreferences(event)));

run(async () => {
  await loadMerchant();
  await Promise.all([loadCart(), loadPreferences()]);
  listenForOffers();
  document.body.dataset.ready = "true";
});
