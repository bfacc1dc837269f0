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

// The "Your call" box follows the call: the server pushes its state over Server-Sent
// Events on every change (and the call under way on each (re)connection); the page keeps
// the call's id for the tab's session, so a reload asks for it again even once it is over.
const CALL_KEY = "cartline.callId";
const PHASES = ["requested", "connecting", "ringing", "answered", "talking", "ended", "failed"];
const call = { shown: null, ticker: null };

function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600), minutes = Math.floor((s % 3600) / 60), seconds = s % 60;
  const parts = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds || parts.length === 0) parts.push(`${seconds} s`);
  return parts.join(" ");
}

function isFinal(status) { return status === "ended" || status === "failed"; }

function showCall(view) {
  if (!view || !view.callId) return;
  const shown = call.shown;
  // Pushes and answers may cross: never step a call back to an earlier phase.
  if (shown && shown.callId === view.callId && PHASES.indexOf(view.status) < PHASES.indexOf(shown.status)) return;
  call.shown = view;
  try { sessionStorage.setItem(CALL_KEY, view.callId); } catch (_) { /* storage off: the stream's catch-up still works */ }
  const section = $("call-section");
  section.hidden = false;
  section.dataset.status = view.status;
  section.dataset.callId = view.callId;
  $("call-status").textContent = view.statusText;
  $("call-detail").textContent = isFinal(view.status) ? `with ${view.agentName}` : `${view.agentName}, ${view.modeText}`;
  clearInterval(call.ticker);
  call.ticker = null;
  const duration = $("call-duration");
  if (view.status === "talking" && view.talkingSince) {
    const since = Date.parse(view.talkingSince);
    const tick = () => { duration.textContent = formatDuration((Date.now() - since) / 1000); };
    tick();
    call.ticker = setInterval(tick, 1000);
    duration.hidden = false;
  } else {
    duration.textContent = "";
    duration.hidden = true;
  }
}

// After a reload: the call this tab last showed, as it stands now (ended or failed included).
async function loadRememberedCall() {
  let callId = null;
  try { callId = sessionStorage.getItem(CALL_KEY); } catch (_) { return; }
  if (!callId) return;
  try {
    showCall(await api("GET", `/v1/calls/${encodeURIComponent(callId)}`));
  } catch (error) {
    if (error.status === 404) { sessionStorage.removeItem(CALL_KEY); return; }  // another session's call
    throw error;
  }
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
  // A call still under way when the connection was lost: ask once it is back.
  events.addEventListener("open", () => { if (call.shown && !isFinal(call.shown.status)) run(loadRememberedCall); });
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
  await Promise.all([loadCart(), loadPreferences(), loadRememberedCall()]);
  listenForOffers();
  document.body.dataset.ready = "true";
});
