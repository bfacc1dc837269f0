// Cartline storefront: plain JavaScript on the public API only (no build step, no CDN).
// The session and preference cookies are HttpOnly: the server sets and reads them.
//
// What the page shows of offers and calls always comes from the server: `GET /v1/engagement`
// on load and whenever the live stream (re)connects, then the stream's pushes. Every tab of
// the shopper gets the same pushes, so tabs agree and a reload changes nothing.
"use strict";

const state = { merchant: null, catalog: [], cart: null, offer: null, timeZone: null, wallet: null };

const $ = (id) => document.getElementById(id);

function showMessage(text) { $("message").textContent = text || ""; }

// An error beside the control that caused it, scrolled into view.
function showError(element, text) {
  if (!element) { showMessage(text); return; }
  element.textContent = text || "";
  element.hidden = !text;
  if (text) element.scrollIntoView({ block: "nearest" });
}

// Calls the API; a problem+json answer becomes an Error carrying status and detail.
async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
  if (!response.ok) {
    const error = new Error(data && data.detail ? sentence(data.detail) : `Something went wrong (${response.status}); please try again.`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function sentence(text) {
  const trimmed = String(text).trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : capital + ".";
}

function newKey() {
  return (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
}

// Runs a user action; its error appears at `where` (an element, or a function finding one
// after the page re-rendered), else at the bottom of the page.
async function run(action, where) {
  showMessage("");
  const target = () => (typeof where === "function" ? where() : where);
  if (target()) showError(target(), "");
  try { await action(); } catch (error) { showError(target(), error.message); }
}

// MARK: catalog and cart

async function loadMerchant() {
  const wanted = new URLSearchParams(location.search).get("merchant");
  const { merchants } = await api("GET", "/v1/merchants");
  state.merchant = merchants.find((m) => m.id === wanted) || merchants[0] || null;
  if (!state.merchant) { showMessage("No shop is open here yet."); return; }
  $("shop-name").textContent = state.merchant.name;
  document.title = `${state.merchant.name} — Cartline storefront`;
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

// Changes carry the version the page showed (If-Match). The version moves only with the
// shopper's own changes, so a 412 means another tab of theirs changed the cart: the page
// takes the cart as it is now and applies this change to it once more, rather than drop
// the click.
async function changeCart(method, suffix, body) {
  await ensureCart();
  for (let attempt = 0; ; attempt++) {
    const cart = state.cart;
    try {
      state.cart = await api(method, `/v1/carts/${cart.id}${suffix}`, body, { "If-Match": `"${cart.version}"` });
      break;
    } catch (error) {
      if (error.status !== 412 || attempt > 0) throw error;
      await loadCart();
      if (!state.cart) throw new Error("Your cart was completed in another tab.");
      notice("Your cart was also changed in another tab; your change was added to it.");
    }
  }
  renderCart();
}

function notice(text) {
  const element = $("cart-notice");
  element.textContent = text || "";
  element.hidden = !text;
}

function renderCatalog() {
  const list = $("catalog");
  list.replaceChildren();
  for (const item of state.catalog) {
    const li = document.createElement("li");
    li.dataset.sku = item.sku;
    const label = document.createElement("span");
    label.textContent = `${item.name} — ${item.unitPrice.display}`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "add-item";
    button.dataset.sku = item.sku;
    button.textContent = "Add to cart";
    const error = document.createElement("p");
    error.className = "field-error";
    error.hidden = true;
    error.setAttribute("role", "alert");
    button.addEventListener("click", () => run(() => changeCart("POST", "/items", { sku: item.sku, quantity: 1 }), error));
    li.append(label, button, error);
    list.append(li);
  }
}

const CART_STATUS_WORDS = {
  open: "",
  checkingOut: "You are at checkout. Changing your cart takes you back to it.",
};

function lineError(sku) {
  return () => {
    const row = document.querySelector(`tr.cart-line[data-sku="${CSS.escape(sku)}"] .field-error`);
    return row || $("checkout-error");
  };
}

function renderCart() {
  const cart = state.cart;
  const items = cart ? cart.items : [];
  $("cart-empty").hidden = items.length > 0;
  $("cart-table").hidden = items.length === 0;
  $("cart-status").textContent = cart ? (CART_STATUS_WORDS[cart.status] || "") : "";
  $("checkout").disabled = !cart || items.length === 0 || cart.status !== "open";
  $("complete").disabled = !cart || cart.status !== "checkingOut";
  const body = $("cart-items");
  body.replaceChildren();
  for (const line of items) {
    const row = document.createElement("tr");
    row.className = "cart-line";
    row.dataset.sku = line.sku;
    const qty = document.createElement("input");
    qty.type = "number"; qty.min = "1"; qty.max = "999"; qty.step = "1"; qty.value = line.quantity; qty.className = "qty-input";
    qty.setAttribute("aria-label", `Quantity of ${line.name}`);
    qty.addEventListener("change", () => {
      const quantity = Number(qty.value);
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 999) {
        showError(lineError(line.sku)(), "Enter a whole number from 1 to 999.");
        return;
      }
      run(() => changeCart("PATCH", `/items/${encodeURIComponent(line.sku)}`, { quantity }), lineError(line.sku));
    });
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "remove-item"; remove.textContent = "Remove";
    remove.addEventListener("click", () => run(() => changeCart("DELETE", `/items/${encodeURIComponent(line.sku)}`), lineError(line.sku)));
    const error = document.createElement("p");
    error.className = "field-error"; error.hidden = true; error.setAttribute("role", "alert");
    const cells = [["Item", line.name], ["Price", line.unitPrice.display], ["Quantity", qty], ["Total", line.lineTotal.display], [null, remove]]
      .map(([label, content]) => {
        const cell = document.createElement("td");
        if (label) cell.dataset.label = label;
        cell.append(content);
        return cell;
      });
    cells[0].append(error);
    row.append(...cells);
    body.append(row);
  }
  $("cart-total").textContent = cart ? cart.total.display : "";
}

async function completePurchase() {
  await changeCart("POST", "/checkout/complete", {});
  const order = state.cart && state.cart.orderRef;
  state.cart = null;
  renderCart();
  notice(`Thank you! Your order ${order || ""} is placed.`.replace("  ", " "));
}

// MARK: preferences

// Time zones by city, the browser's own preselected.
function fillTimeZones(selected) {
  const zones = (Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : ["UTC", "Europe/Berlin", "Europe/London", "America/New_York"]);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const wanted = selected || browserZone || "UTC";
  const entries = zones.map((zone) => {
    const parts = zone.split("/");
    const city = parts[parts.length - 1].replace(/_/g, " ");
    const region = parts.length > 1 ? parts[0].replace(/_/g, " ") : "";
    return { zone, label: region ? `${city} (${region})` : city };
  }).sort((a, b) => a.label.localeCompare(b.label));
  if (!entries.some((entry) => entry.zone === wanted)) entries.unshift({ zone: wanted, label: wanted });
  const select = $("pref-tz");
  select.replaceChildren(...entries.map(({ zone, label }) => {
    const option = document.createElement("option");
    option.value = zone; option.textContent = label;
    return option;
  }));
  select.value = wanted;
}

function showModeFields() {
  const mode = $("pref-mode").value;
  $("phone-field").hidden = mode !== "pstn";
  $("sip-field").hidden = mode !== "voip";
  $("browser-hint").hidden = mode !== "browser";
}

function describePreferences(prefs) {
  if (!prefs.consent) return "Saved. We will not call you until you agree to be called.";
  if (prefs.mode === "browser") return "Saved. We may call you here on this page (you talk through your microphone).";
  return `Saved. We may call you ${prefs.mode === "pstn" ? `on ${prefs.phone}` : `at ${prefs.sipUri}`}.`;
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
    state.timeZone = prefs.timeZone || null;
    fillTimeZones(prefs.timeZone);
    $("prefs-status").textContent = describePreferences(prefs);
  } catch (error) {
    if (error.status !== 404) throw error;  // 404: none saved yet
    fillTimeZones(null);
  }
  showModeFields();
}

async function savePreferences(event) {
  event.preventDefault();
  $("prefs-status").textContent = "";
  const optional = (id) => $(id).value.trim() || undefined;
  const start = optional("pref-quiet-start"), end = optional("pref-quiet-end");
  if (Boolean(start) !== Boolean(end)) throw new Error("Fill in both times of your quiet hours (for example 21:00 and 08:00), or neither.");
  const mode = $("pref-mode").value || "browser";
  const body = {
    mode,
    phone: mode === "pstn" ? optional("pref-phone") : undefined,
    sipUri: mode === "voip" ? optional("pref-sip") : undefined,
    consent: $("pref-consent").checked,
    quietHours: start && end ? { start, end } : undefined,
    timeZone: $("pref-tz").value || undefined,
    country: (state.merchant && state.merchant.country) || undefined,
  };
  const saved = await api("PUT", "/v1/preferences", body);
  state.timeZone = saved.timeZone || null;
  if (saved.phone) $("pref-phone").value = saved.phone;
  $("prefs-status").textContent = describePreferences(saved);
}

// A moment in the shopper's own time zone, with its date: "Wed, 26 Nov, 08:00".
function formatWhen(iso) {
  const options = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
  const zone = state.timeZone || $("pref-tz").value;
  try { return new Date(iso).toLocaleString(undefined, zone ? { ...options, timeZone: zone } : options); } catch (_) {
    return new Date(iso).toLocaleString(undefined, options);
  }
}

// MARK: the offer and the call

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

function showOffer(offer) {
  // A call under way supersedes any offer.
  if (call.shown && !isFinal(call.shown.status)) return;
  state.offer = offer;
  const section = $("offer-section");
  section.hidden = false;
  section.dataset.status = "open";
  section.dataset.offerId = offer.offerId;
  $("offer-title").textContent = "Talk to us?";
  $("offer-actions").hidden = false;
  showError($("offer-error"), "");
  $("offer-text").textContent = `A sales advisor can call you now about your cart. ${describePrice(offer.price)} The offer is open until ${formatWhen(offer.expiresAt)}.`;
}

// MARK: money and the wallet

// Micros (millionths of a unit) as the shopper reads money; sub-cent prices keep their digits.
function formatMicros(micros, currency) {
  const units = micros / 1e6;
  const digits = Math.abs(micros) % 10000 === 0 ? 2 : 4;
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(units);
  } catch (_) {
    return `${units.toFixed(digits)} ${currency}`;
  }
}

// Who pays for the call and what it costs, said before the shopper accepts.
function describePrice(price) {
  if (!price || price.payer !== "shopper") return "The call is free for you.";
  const perMinute = formatMicros(price.perMinuteMicros, price.currency);
  const parts = [`The call costs ${perMinute} a minute, billed per ${price.billingIncrementSeconds} s`];
  if (price.setupFeeMicros > 0) parts.push(`plus ${formatMicros(price.setupFeeMicros, price.currency)} to connect`);
  if (price.minimumChargeMicros > 0) parts.push(`at least ${formatMicros(price.minimumChargeMicros, price.currency)}`);
  const balance = walletAvailable(price.currency);
  const wallet = balance > 0 ? `from your wallet (${formatMicros(balance, price.currency)} available)` : "from your wallet, which is empty: top it up first";
  return `${parts.join(", ")}, paid ${wallet}.`;
}

function walletAvailable(currency) {
  const entry = state.wallet && state.wallet.balances.find((b) => b.currency === currency);
  return entry ? entry.availableMicros : 0;
}

const MOVEMENT_WORDS = { "top-up": "Top-up", hold: "Held for a call", charge: "Call", release: "Released", expired: "Hold lapsed" };

function renderWallet() {
  const wallet = state.wallet;
  const currency = state.merchant ? state.merchant.currency : "EUR";
  $("wallet-currency").textContent = currency;
  const balance = wallet && wallet.balances.find((b) => b.currency === currency);
  $("wallet-balance").textContent = balance
    ? `Balance ${formatMicros(balance.balanceMicros, currency)}` + (balance.heldMicros > 0 ? `, of which ${formatMicros(balance.heldMicros, currency)} is held for a call.` : ".")
    : "No money in your wallet yet.";
  const list = $("wallet-recent");
  list.replaceChildren();
  for (const movement of (wallet ? wallet.recent : []).slice(0, 5)) {
    const li = document.createElement("li");
    const amount = movement.amountMicros ? ` ${movement.amountMicros > 0 ? "+" : "−"}${formatMicros(Math.abs(movement.amountMicros), movement.currency)}` : "";
    li.textContent = `${formatWhen(movement.at)} — ${MOVEMENT_WORDS[movement.kind] || movement.kind}${amount}`;
    list.append(li);
  }
  if (state.offer) showOffer(state.offer);  // the offer's wording names what is available
  showCallCost();
}

// Once the shown call has ended and its charge is in the wallet: what it cost.
function showCallCost() {
  const element = $("call-cost");
  const shown = call.shown;
  const charge = shown && isFinal(shown.status) && state.wallet
    && state.wallet.recent.find((movement) => movement.kind === "charge" && movement.callId === shown.callId);
  element.hidden = !charge;
  element.textContent = charge ? `The call cost ${formatMicros(Math.abs(charge.amountMicros), charge.currency)}, paid from your wallet.` : "";
}

async function loadWallet() {
  state.wallet = await api("GET", "/v1/wallet");
  renderWallet();
}

async function topUp(event) {
  event.preventDefault();
  const units = Number($("wallet-amount").value);
  if (!Number.isInteger(units) || units < 1 || units > 1000) throw new Error("Add a whole amount from 1 to 1000.");
  const currency = state.merchant ? state.merchant.currency : "EUR";
  state.wallet = await api("POST", "/v1/wallet/top-ups", { amountMicros: units * 1000000, currency }, { "Idempotency-Key": newKey() });
  renderWallet();
}

const WITHDRAWN_WORDS = {
  declined: "You declined the call. Press “Talk to someone” whenever you like.",
  expired: "The offer of a call has expired. Press “Talk to someone” whenever you like.",
};

// The offer was declined (here or in another tab) or expired: say so rather than vanish.
function withdrawOffer(offerId, status) {
  const section = $("offer-section");
  if (section.hidden || section.dataset.offerId !== offerId) return;
  state.offer = null;
  section.dataset.status = status;
  $("offer-title").textContent = { declined: "Offer declined", expired: "Offer expired" }[status] || "Offer closed";
  $("offer-actions").hidden = true;
  $("offer-text").textContent = WITHDRAWN_WORDS[status] || "The offer is no longer open.";
}

function hideOffer() {
  state.offer = null;
  $("offer-section").hidden = true;
}

function showCall(view) {
  if (!view || !view.callId) return;
  const shown = call.shown;
  // Pushes and answers may cross: never step a call back to an earlier phase.
  if (shown && shown.callId === view.callId && PHASES.indexOf(view.status) < PHASES.indexOf(shown.status)) return;
  // A newer call replaces an older one; an older one never replaces a newer one.
  if (shown && shown.callId !== view.callId && Date.parse(view.requestedAt) < Date.parse(shown.requestedAt)) return;
  call.shown = view;
  if (!isFinal(view.status)) hideOffer();
  const section = $("call-section");
  section.hidden = false;
  section.dataset.status = view.status;
  section.dataset.callId = view.callId;
  $("call-status").textContent = view.statusText;
  $("call-detail").textContent = isFinal(view.status) ? `with ${view.agentName}` : `${view.agentName}, ${view.modeText}`;
  $("call-cancel").hidden = !view.cancellable;
  $("call-retry").hidden = !view.retryable;
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
  showCallCost();
  // A call the shopper pays for is charged a moment after it ends (or released if it failed).
  if (isFinal(view.status)) for (const delay of [1500, 5000]) setTimeout(() => loadWallet().catch(() => {}), delay);
  followVoice(view);
}

// MARK: talking from this page (browser mode)
//
// A browser-mode call rings this page: the page asks for the microphone, then for the call's
// gateway credentials (minted by the server for this call and this session only) and joins
// through the gateway (voice.js).

const VOICE_STATS_MILLISECONDS = 500;
const voice = { callId: null, leg: null, microphone: null, phase: "idle", muted: false, statsTimer: null };

const VOICE_WORDS = {
  microphone: "Asking for your microphone…",
  connecting: "Connecting…",
  waiting: "Connected, waiting for the call…",
  ringing: "Answering…",
  talking: "Talking",
  ending: "Hanging up…",
  ended: "Call ended",
  failed: "Not connected",
};

function setVoicePhase(phase) {
  voice.phase = phase;
  $("voice").dataset.phase = phase;
  $("voice-state").textContent = VOICE_WORDS[phase] || "";
  $("voice-mute").disabled = phase !== "talking";
  $("voice-hangup").disabled = !["ringing", "talking"].includes(phase);
  // Over (or never joined): no controls and no meter left to read.
  const over = phase === "ended" || phase === "failed";
  $("voice-actions").hidden = over;
  $("voice-level").hidden = over;
  document.querySelector("label[for=voice-level]").hidden = over;
}

// A browser call shown: join it once; a call that ended (or another kind of call): leave.
function followVoice(view) {
  if (view.mode !== "browser") {
    if (voice.callId) { leaveVoice(); $("voice").hidden = true; voice.callId = null; }
    return;
  }
  if (isFinal(view.status)) { if (voice.callId === view.callId) leaveVoice(); return; }
  if (voice.callId !== view.callId) joinVoice(view.callId);
}

async function joinVoice(callId) {
  leaveVoice();
  voice.callId = callId;
  voice.muted = false;
  renderMute();
  $("voice").hidden = false;
  $("voice-level").value = 0;
  for (const key of ["inPackets", "inEnergy", "outPackets"]) delete $("voice").dataset[key];
  showError($("voice-error"), "");
  const current = () => voice.callId === callId;
  try {
    setVoicePhase("microphone");
    let microphone;
    try {
      microphone = await CartlineVoice.microphone("press “Try again” or ask for help again");
    } catch (error) {
      // Without a microphone nobody can talk: free the agent rather than let the page ring on.
      if (current() && call.shown && call.shown.callId === callId && call.shown.cancellable) {
        await cancelCall().catch(() => {});
        throw new Error(`${error.message} The call was cancelled.`);
      }
      throw error;
    }
    if (!current()) { CartlineVoice.stopTracks(microphone); return; }
    voice.microphone = microphone;
    setVoicePhase("connecting");
    const [credentials] = await Promise.all([
      api("POST", `/v1/calls/${encodeURIComponent(callId)}/voice`),
      CartlineVoice.loadLibrary(),
    ]);
    if (!current() || voice.phase !== "connecting") return;
    voice.leg = new CartlineVoice.GatewayLeg(credentials, microphone, {
      onPhase: (phase) => {
        if (!current()) return;
        if (phase === "ended") { leaveVoice("ended"); return; }
        setVoicePhase(phase);
        if (phase === "talking") {
          clearInterval(voice.statsTimer);
          voice.statsTimer = setInterval(() => sampleVoiceStats().catch(() => {}), VOICE_STATS_MILLISECONDS);
        }
      },
      onFailure: (text) => { if (current()) voiceFailed(text); },
      onRemoteAudio: (stream) => { if (current()) $("voice-audio").srcObject = stream; },
    });
    voice.leg.connect();
  } catch (error) {
    if (current()) voiceFailed(error.message);
  }
}

// The far side's level for the meter, and the receive/send counters (kept on the voice box).
async function sampleVoiceStats() {
  if (!voice.leg) return;
  CartlineVoice.showStats(await voice.leg.stats(), $("voice"), $("voice-level"));
}

function renderMute() {
  CartlineVoice.showMute($("voice-mute"), voice.muted);
}

function toggleMute() {
  if (!voice.leg || voice.phase !== "talking") return;
  voice.muted = voice.leg.toggleMute();
  renderMute();
}

function hangUpVoice() {
  if (voice.leg) voice.leg.hangUp();
}

function voiceFailed(text) {
  leaveVoice("failed");
  showError($("voice-error"), text);
}

// Tears the gateway session down; the voice box stays, saying how it ended. Without
// `phase` (another call replaces this one) it is left as it is.
function leaveVoice(phase) {
  clearInterval(voice.statsTimer);
  voice.statsTimer = null;
  if (voice.leg) voice.leg.close();
  voice.leg = null;
  CartlineVoice.stopTracks(voice.microphone);
  voice.microphone = null;
  $("voice-audio").srcObject = null;
  $("voice-level").value = 0;
  if (phase) setVoicePhase(phase);
  else if (voice.phase !== "idle") setVoicePhase(voice.phase === "failed" ? "failed" : "ended");
}

// The one true state, from the server.
async function loadEngagement() {
  const now = await api("GET", "/v1/engagement");
  if (now.call) showCall(now.call);
  if (now.offer) showOffer(now.offer);
  else if (state.offer) withdrawOffer(state.offer.offerId, "closed");
}

function listenForOffers() {
  const events = new EventSource("/v1/offers/stream");
  events.addEventListener("offer", (message) => {
    const offer = JSON.parse(message.data);
    if (offer.status === "open") showOffer(offer); else withdrawOffer(offer.offerId, offer.status);
  });
  events.addEventListener("call", (message) => showCall(JSON.parse(message.data)));
  // After a lost connection: ask for the state as it is now.
  events.addEventListener("open", () => run(loadEngagement));
}

async function answerOffer(accept) {
  if (!state.offer) return;
  const offer = state.offer;
  const answer = await api("POST", `/v1/offers/${offer.offerId}/${accept ? "accept" : "decline"}`);
  if (accept) showCall(answer); else withdrawOffer(offer.offerId, "declined");
}

async function cancelCall() {
  if (!call.shown) return;
  showCall(await api("POST", `/v1/calls/${encodeURIComponent(call.shown.callId)}/cancel`));
}

// One help button: the server decides what it means (call now, call back later, or why not).
async function askForHelp() {
  $("help-answer").textContent = "";
  const answer = await api("POST", "/v1/help");
  if (answer.call) { showCall(answer.call); return; }
  const when = answer.callbackAt ? ` We will call you back on ${formatWhen(answer.callbackAt)}.` : "";
  $("help-answer").textContent = `${sentence(answer.reason || "")}${when}`;
}

$("help").addEventListener("click", () => run(askForHelp, $("help-answer")));
$("offer-accept").addEventListener("click", () => run(() => answerOffer(true), $("offer-error")));
$("offer-decline").addEventListener("click", () => run(() => answerOffer(false), $("offer-error")));
$("call-cancel").addEventListener("click", () => run(cancelCall, $("call-error")));
$("call-retry").addEventListener("click", () => run(askForHelp, $("call-error")));
$("voice-mute").addEventListener("click", () => run(async () => toggleMute(), $("voice-error")));
$("voice-hangup").addEventListener("click", () => run(async () => hangUpVoice(), $("voice-error")));

$("checkout").addEventListener("click", () => run(() => changeCart("POST", "/checkout"), $("checkout-error")));
$("complete").addEventListener("click", () => run(completePurchase, $("checkout-error")));
$("pref-mode").addEventListener("change", showModeFields);
$("prefs-form").addEventListener("submit", (event) => run(() => savePreferences(event), $("prefs-error")));
$("wallet-form").addEventListener("submit", (event) => run(() => topUp(event), $("wallet-error")));

run(async () => {
  await loadMerchant();
  await Promise.all([loadCart(), loadPreferences(), loadWallet()]);
  listenForOffers();
  document.body.dataset.ready = "true";
});
