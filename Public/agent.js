// Cartline agent console. The agent signs in with a one-time code from an administrator;
// the session is an HttpOnly cookie this script never sees. Once signed in, the merchant's
// calls are fetched every two seconds (filtered, paged) and each card is updated in place,
// so a note being typed survives the refresh. A call not seen before that is still under way
// beeps once and puts "(1) New call" in the title until the agent claims or opens it.
// An agent who answers in the console (not on a SIP phone) gets an Answer button on each live
// call routed to them: the call is claimed, and its agent leg is taken in this page through
// the browser gateway (voice.js) — one call at a time.
"use strict";

const POLL_MILLISECONDS = 2000;
const PAGE_SIZE = 20;
const LIVE = new Set(["requested", "connecting", "ringing", "answered", "talking"]);
const OUTCOMES = [["sold", "Sold"], ["follow-up", "Follow-up"], ["no-answer", "No answer"]];
const BASE_TITLE = "Cartline agent console";

const $ = (id) => document.getElementById(id);
const state = {
  session: null,
  filter: "recent",
  page: 1,
  pageCount: 1,
  timer: null,
  known: null,      // call ids seen since signing in (null until the first answer)
  unseen: new Set(), // new live calls the agent has not opened or claimed yet
  newest: 0,         // the latest requestedAt seen, in milliseconds
  audio: null,
  busy: false,
};

// ---- HTTP ----

async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch { data = null; }
  }
  return { ok: response.ok, status: response.status, data };
}

function problemText(result) {
  return (result.data && result.data.detail) || `The server answered ${result.status}.`;
}

// ---- Sign-in ----

function showSignIn(message) {
  stopPolling();
  if (voice.callId) { leaveVoice(); $("voice").hidden = true; voice.callId = null; voice.phase = "idle"; }
  state.session = null;
  $("console").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message || "";
  document.title = BASE_TITLE;
  document.body.dataset.state = "signed-out";
  const saved = readSaved();
  if (!$("merchant-id").value) $("merchant-id").value = new URLSearchParams(location.search).get("merchant") || saved.merchantId || "";
  if (!$("agent-name").value) $("agent-name").value = saved.agentName || "";
}

function readSaved() {
  try { return JSON.parse(localStorage.getItem("cartline-agent") || "{}"); } catch { return {}; }
}

function save(session) {
  try { localStorage.setItem("cartline-agent", JSON.stringify({ merchantId: session.merchantId, agentName: session.agentName })); } catch { /* private mode */ }
}

function showConsole(session) {
  state.session = session;
  state.known = null;
  state.newest = 0;
  state.unseen.clear();
  $("sign-in").hidden = true;
  $("console").hidden = false;
  $("who").hidden = false;
  $("who-text").textContent = `Signed in as ${session.agentName} — ${session.merchantId}`;
  $("code").value = "";
  document.body.dataset.state = "signed-in";
  save(session);
  refresh();
  startPolling();
}

async function signIn(event) {
  event.preventDefault();
  unlockAudio();
  const merchantId = $("merchant-id").value.trim();
  const agentName = $("agent-name").value.trim();
  const code = $("code").value.trim();
  const missing = [!merchantId && "the shop", !agentName && "your name", !code && "the code"].filter(Boolean);
  if (missing.length) {
    $("sign-in-error").textContent = `Please fill in ${missing.join(", ")}.`;
    return;
  }
  $("sign-in-button").disabled = true;
  $("sign-in-error").textContent = "";
  try {
    const result = await api("POST", "/v1/agent/sign-in", { merchantId, agentName, code });
    if (result.ok) showConsole(result.data);
    else $("sign-in-error").textContent = problemText(result);
  } catch (error) {
    $("sign-in-error").textContent = `Could not reach the server: ${error.message}`;
  } finally {
    $("sign-in-button").disabled = false;
  }
}

async function signOut() {
  try { await api("POST", "/v1/agent/sign-out"); } catch { /* the cookie is gone on the next answer anyway */ }
  showSignIn("You are signed out.");
}

// ---- Alerts ----

// Browsers only let a page play sound after a gesture: the sign-in click opens the context.
function unlockAudio() {
  try {
    if (!state.audio) state.audio = new (window.AudioContext || window.webkitAudioContext)();
    if (state.audio.state === "suspended") state.audio.resume();
  } catch { state.audio = null; }
}

function beep() {
  document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
  try {
    if (!state.audio) state.audio = new (window.AudioContext || window.webkitAudioContext)();
    const context = state.audio;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, context.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.25, context.currentTime + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start();
    oscillator.stop(context.currentTime + 0.3);
  } catch { /* no audio device: the title still says it */ }
}

function updateTitle() {
  const count = state.unseen.size;
  document.title = count ? `(${count}) New call${count > 1 ? "s" : ""} — Cartline agent` : BASE_TITLE;
}

function acknowledge(callId) {
  if (state.unseen.delete(callId)) {
    const card = document.querySelector(`.call[data-call-id="${callId}"]`);
    if (card) card.classList.remove("new");
    updateTitle();
  }
}

// A call alerts once: when it is first seen, asked for after every call seen before (so
// switching filters or pages never alerts for old calls), still under way and unclaimed.
function noticeNew(calls) {
  const first = state.known === null;
  if (first) state.known = new Set();
  const newestBefore = state.newest;
  let fresh = 0;
  for (const call of calls) {
    const requestedAt = Date.parse(call.requestedAt) || 0;
    state.newest = Math.max(state.newest, requestedAt);
    if (call.claimedBy || !LIVE.has(call.status)) state.unseen.delete(call.callId);
    if (state.known.has(call.callId)) continue;
    state.known.add(call.callId);
    if (!first && requestedAt > newestBefore && LIVE.has(call.status) && !call.claimedBy) {
      state.unseen.add(call.callId);
      fresh += 1;
    }
  }
  if (fresh) beep();
  updateTitle();
}

// ---- Rendering ----

function formatDateTime(iso) {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function shopperClock(call) {
  if (!call.shopperTimeZone) return null;
  try {
    return new Date().toLocaleTimeString(undefined, { timeZone: call.shopperTimeZone, hour: "2-digit", minute: "2-digit" }) + ` (${call.shopperTimeZone})`;
  } catch {
    return call.shopperLocalTime ? call.shopperLocalTime.slice(11, 16) + ` (${call.shopperTimeZone})` : null;
  }
}

function formatDuration(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600), minutes = Math.floor((s % 3600) / 60), seconds = s % 60;
  const parts = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds || parts.length === 0) parts.push(`${seconds} s`);
  return parts.join(" ");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// A card's fixed structure; `updateCard` fills it on every refresh.
function createCard(call) {
  const card = element("li", "call");
  card.dataset.callId = call.callId;
  const head = element("div", "call-head");
  head.append(element("span", "shopper"), element("span", "status"));
  const statusText = element("p", "status-text");
  const details = element("dl");
  const cart = element("ul", "cart");
  cart.setAttribute("aria-label", "Cart");
  const work = element("div", "work");
  const claimLine = element("p", "claim-line");
  const answerButton = element("button", "answer primary", "Answer");
  answerButton.type = "button";
  answerButton.addEventListener("click", () => answer(call.callId, card));
  const claimButton = element("button", "claim primary", "Claim");
  claimButton.type = "button";
  claimButton.addEventListener("click", () => claim(call.callId, card));
  const outcomes = element("div", "outcomes");
  outcomes.setAttribute("role", "group");
  outcomes.setAttribute("aria-label", "Outcome");
  for (const [value, label] of OUTCOMES) {
    const button = element("button", "outcome", label);
    button.type = "button";
    button.dataset.outcome = value;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => recordOutcome(call.callId, card, value));
    outcomes.append(button);
  }
  const note = element("input", "note");
  note.type = "text";
  note.maxLength = 1000;
  note.placeholder = "Note (optional)";
  note.setAttribute("aria-label", "Note for the outcome");
  const cardError = element("p", "card-error");
  cardError.setAttribute("role", "alert");
  const outcomeLine = element("p", "outcome-line");
  work.append(claimLine, outcomeLine, answerButton, claimButton, outcomes, note, cardError);
  card.append(head, statusText, details, cart, work);
  card.addEventListener("click", () => acknowledge(call.callId));
  return card;
}

function row(details, term, value) {
  if (value === null || value === undefined || value === "") return;
  details.append(element("dt", "", term), element("dd", "", value));
}

function updateCard(card, call) {
  card.dataset.status = call.status;
  card.dataset.live = String(LIVE.has(call.status));
  card.classList.toggle("new", state.unseen.has(call.callId));
  card.querySelector(".shopper").textContent = call.shopperName;
  card.querySelector(".status").textContent = call.status;
  let words = call.statusText;
  if (call.status === "talking" && call.talkingSince) words += ` (${formatDuration((Date.now() - Date.parse(call.talkingSince)) / 1000)})`;
  card.querySelector(".status-text").textContent = words;

  const details = card.querySelector("dl");
  details.replaceChildren();
  const requested = element("time", "", formatDateTime(call.requestedAt));
  requested.dateTime = call.requestedAt;
  const requestedCell = element("dd");
  requestedCell.append(requested);
  details.append(element("dt", "", "Requested"), requestedCell);
  row(details, "Shopper's time", shopperClock(call));
  row(details, "Call", `${call.modeText} call, routed to ${call.agentName}`);

  const cart = card.querySelector(".cart");
  cart.replaceChildren();
  if (call.cart) {
    for (const line of call.cart.items) {
      const item = element("li");
      item.append(element("span", "", `${line.quantity} × ${line.name}`),
                  element("span", "", line.quantity > 1 ? `${line.unitPrice.display} each · ${line.lineTotal.display}` : line.lineTotal.display));
      cart.append(item);
    }
    const total = element("li", "total");
    total.append(element("span", "", call.cart.items.length ? `Total (${call.cart.status})` : "Cart is empty"), element("span", "", call.cart.total.display));
    cart.append(total);
  } else {
    cart.append(element("li", "", "Cart not found"));
  }

  const mine = call.claimedBy && state.session && call.claimedBy.agentName === state.session.agentName;
  const claimLine = card.querySelector(".claim-line");
  claimLine.textContent = call.claimedBy
    ? `Claimed by ${mine ? "you" : call.claimedBy.agentName} at ${new Date(call.claimedBy.at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`
    : "Not claimed yet";
  const outcomeLine = card.querySelector(".outcome-line");
  outcomeLine.hidden = !call.outcome;
  if (call.outcome) {
    const label = (OUTCOMES.find(([value]) => value === call.outcome.outcome) || [, call.outcome.outcome])[1];
    const by = state.session && call.outcome.agentName === state.session.agentName ? "you" : call.outcome.agentName;
    const at = new Date(call.outcome.at).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    outcomeLine.textContent = `Outcome: ${label} (by ${by} at ${at})` + (call.outcome.note ? ` — “${call.outcome.note}”` : "");
  }
  card.querySelector(".claim").hidden = Boolean(call.claimedBy);
  // Answer: a live call routed to this agent, who answers here, not already in the voice panel.
  const routedHere = call.agentAnswersInBrowser && state.session && call.agentName === state.session.agentName;
  const answerable = routedHere && LIVE.has(call.status) && !(call.claimedBy && !mine);
  card.querySelector(".answer").hidden = !answerable || voice.callId === call.callId;
  card.dataset.answerable = String(Boolean(answerable));
  const canRecord = !call.claimedBy || mine;
  for (const button of card.querySelectorAll(".outcome")) {
    button.disabled = !canRecord;
    button.setAttribute("aria-pressed", String(Boolean(call.outcome && call.outcome.outcome === button.dataset.outcome)));
  }
  const note = card.querySelector(".note");
  note.hidden = !canRecord;
  if (call.outcome && call.outcome.note && document.activeElement !== note && !note.value) note.value = call.outcome.note;
  card.dataset.outcome = call.outcome ? call.outcome.outcome : "";
}

function render(list) {
  state.pageCount = list.pageCount;
  const container = $("calls");
  const existing = new Map([...container.children].map((card) => [card.dataset.callId, card]));
  const cards = list.calls.map((call) => {
    const card = existing.get(call.callId) || createCard(call);
    updateCard(card, call);
    return card;
  });
  // Reorder only when it changed, so focus in a note is kept.
  const same = cards.length === container.children.length && cards.every((card, index) => container.children[index] === card);
  if (!same) container.replaceChildren(...cards);
  const empty = { live: "No calls under way right now.", recent: "No calls in the last 24 hours.", all: "No calls yet." };
  $("no-calls").textContent = empty[list.status] || "No calls.";
  $("no-calls").hidden = list.calls.length > 0;
  $("page-info").textContent = `Page ${list.page} of ${list.pageCount} · ${list.total} call${list.total === 1 ? "" : "s"}`;
  $("prev-page").disabled = list.page <= 1;
  $("next-page").disabled = list.page >= list.pageCount;
  $("updated").textContent = `Updated ${new Date().toLocaleTimeString()}`;
  document.body.dataset.ready = "true";
}

// ---- Actions ----

async function claim(callId, card) {
  acknowledge(callId);
  card.querySelector(".card-error").textContent = "";
  const result = await api("POST", `/v1/agent/calls/${callId}/claim`);
  if (result.status === 401) return showSignIn(problemText(result));
  if (!result.ok) card.querySelector(".card-error").textContent = problemText(result);
  await refresh();
}

async function recordOutcome(callId, card, outcome) {
  acknowledge(callId);
  card.querySelector(".card-error").textContent = "";
  const note = card.querySelector(".note").value.trim();
  const result = await api("POST", `/v1/agent/calls/${callId}/outcome`, note ? { outcome, note } : { outcome });
  if (result.status === 401) return showSignIn(problemText(result));
  if (!result.ok) card.querySelector(".card-error").textContent = problemText(result);
  await refresh();
}

// ---- Answering in the browser ----

const VOICE_STATS_MILLISECONDS = 500;
const voice = { callId: null, shopperName: "", leg: null, microphone: null, phase: "idle", muted: false, statsTimer: null };
const VOICE_WORDS = {
  microphone: "Asking for your microphone…",
  connecting: "Connecting…",
  waiting: "Ready: the call comes through as soon as the shopper picks up…",
  ringing: "Answering…",
  talking: "Talking",
  ending: "Hanging up…",
  ended: "Call ended",
  failed: "Not connected",
};

function setVoicePhase(phase) {
  voice.phase = phase;
  const box = $("voice");
  box.dataset.phase = phase;
  const who = voice.shopperName ? ` — ${voice.shopperName}` : "";
  $("voice-state").textContent = (VOICE_WORDS[phase] || "") + (phase === "talking" || phase === "waiting" ? who : "");
  $("voice-mute").disabled = phase !== "talking";
  $("voice-hangup").disabled = !["waiting", "ringing", "talking"].includes(phase);
  const over = phase === "ended" || phase === "failed";
  $("voice-close").hidden = !over;
  $("voice-level").hidden = over;
  document.querySelector("label[for=voice-level]").hidden = over;
}

// Answer: claim the call (the agent takes it on), then take its agent leg in this page.
async function answer(callId, card) {
  acknowledge(callId);
  unlockAudio();
  card.querySelector(".card-error").textContent = "";
  if (voice.leg && !["ended", "failed"].includes(voice.phase)) {
    card.querySelector(".card-error").textContent = "Hang up the call in this browser first.";
    return;
  }
  const claimed = await api("POST", `/v1/agent/calls/${callId}/claim`);
  if (claimed.status === 401) return showSignIn(problemText(claimed));
  if (!claimed.ok && claimed.status !== 409) { card.querySelector(".card-error").textContent = problemText(claimed); return; }
  leaveVoice();
  voice.callId = callId;
  voice.shopperName = card.querySelector(".shopper").textContent;
  voice.muted = false;
  renderMute();
  const box = $("voice");
  box.hidden = false;
  box.dataset.callId = callId;
  for (const key of ["inPackets", "inEnergy", "outPackets"]) delete box.dataset[key];
  $("voice-error").textContent = "";
  card.querySelector(".answer").hidden = true;
  const current = () => voice.callId === callId;
  try {
    setVoicePhase("microphone");
    const microphone = await CartlineVoice.microphone("press Answer again");
    if (!current()) { CartlineVoice.stopTracks(microphone); return; }
    voice.microphone = microphone;
    setVoicePhase("connecting");
    const [result] = await Promise.all([api("POST", `/v1/agent/calls/${callId}/voice`), CartlineVoice.loadLibrary()]);
    if (result.status === 401) return showSignIn(problemText(result));
    if (!result.ok) throw new Error(problemText(result));
    if (!current() || voice.phase !== "connecting") return;
    voice.leg = new CartlineVoice.GatewayLeg(result.data, microphone, {
      onPhase: (phase) => {
        if (!current()) return;
        if (phase === "ended") { leaveVoice("ended"); refresh(); return; }
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

// Hang up: a call being taken is hung up through the gateway; a page still waiting for the
// INVITE simply leaves (the node's next INVITE finds nobody and the call ends as unanswered).
function hangUpVoice() {
  if (!voice.leg) return;
  if (voice.phase === "waiting") { leaveVoice("ended"); refresh(); return; }
  voice.leg.hangUp();
}

function voiceFailed(text) {
  leaveVoice("failed");
  $("voice-error").textContent = text;
  refresh();
}

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
}

function closeVoice() {
  if (voice.leg) return;
  $("voice").hidden = true;
  voice.callId = null;
  voice.phase = "idle";
  refresh();
}

// ---- Polling ----

async function refresh() {
  if (!state.session || state.busy) return;
  state.busy = true;
  try {
    const result = await api("GET", `/v1/agent/calls?status=${state.filter}&page=${state.page}&pageSize=${PAGE_SIZE}`);
    if (result.status === 401) return showSignIn(problemText(result));
    if (!result.ok) throw new Error(problemText(result));
    if (result.data.page > result.data.pageCount && state.page > 1) {
      state.page = result.data.pageCount;  // the list shrank under us
      return;
    }
    let alerts = result.data.calls;
    // Off the first page of live or recent calls, look at the newest live ones for alerts too.
    if (state.page !== 1 || state.filter === "all") {
      const live = await api("GET", "/v1/agent/calls?status=live&page=1&pageSize=50");
      if (live.ok) alerts = alerts.concat(live.data.calls);
    }
    noticeNew(alerts);
    $("message").textContent = "";
    render(result.data);
  } catch (error) {
    $("message").textContent = `Could not refresh: ${error.message}`;
  } finally {
    state.busy = false;
  }
}

function startPolling() {
  stopPolling();
  state.timer = setInterval(refresh, POLL_MILLISECONDS);
}

function stopPolling() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

function setFilter(filter) {
  state.filter = filter;
  state.page = 1;
  for (const button of document.querySelectorAll(".filter")) button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
  refresh();
}

async function start() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("voice-mute").addEventListener("click", toggleMute);
  $("voice-hangup").addEventListener("click", hangUpVoice);
  $("voice-close").addEventListener("click", closeVoice);
  for (const button of document.querySelectorAll(".filter")) button.addEventListener("click", () => setFilter(button.dataset.filter));
  $("prev-page").addEventListener("click", () => { if (state.page > 1) { state.page -= 1; refresh(); } });
  $("next-page").addEventListener("click", () => { if (state.page < state.pageCount) { state.page += 1; refresh(); } });
  try {
    const result = await api("GET", "/v1/agent/session");
    if (result.ok) return showConsole(result.data);
    const slug = ((result.data && result.data.type) || "").split(":").pop();
    showSignIn(slug === "not-signed-in" ? "" : problemText(result));
  } catch (error) {
    showSignIn(`Could not reach the server: ${error.message}`);
  }
}

start();
