// Cartline's embeddable widget: one <script> tag on a merchant's own pages (another origin).
//
//   <script src="https://cartline.example.com/widget.js" data-merchant="your-shop"
//           data-token-url="/cartline/shopper-token" async></script>
//
// The shopper is named by a short-lived token the merchant's backend signs (docs/merchant-
// guide.md): `data-token-url` is a URL of the merchant's own site answering {"token": "…"}
// (fetched again before the token expires), or `data-token` holds one token. The widget
// lives in a shadow root (its styles do not leak into the page, nor the page's into it) and
// talks to Cartline's `/v1/widget/{merchant}/…` routes only, from origins the merchant lists
// (CORS). It shows the call offer, the call's progress (and takes the call in the page, through
// voice.js and the browser gateway, for shoppers who talk from the page) and a help button.
"use strict";

(() => {
  const script = document.currentScript;
  if (!script || window.CartlineWidget) return;
  const BASE = new URL(script.src).origin;
  const MERCHANT = script.dataset.merchant || "";
  const TOKEN_URL = script.dataset.tokenUrl || "";
  const STATIC_TOKEN = script.dataset.token || "";
  const RECONNECT_MILLISECONDS = 3000;
  const TICK_MILLISECONDS = 1000;
  const STATS_MILLISECONDS = 500;
  const FINAL = new Set(["ended", "failed"]);

  const STYLE = `
    :host { all: initial; position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; font: 15px/1.4 system-ui, sans-serif; color: #1d1d1d; }
    * { box-sizing: border-box; }
    [hidden] { display: none !important; }
    button { font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid #1f6f4a; padding: 0.45rem 0.9rem; background: #fff; color: #1f6f4a; }
    button.primary { background: #1f6f4a; color: #fff; }
    button.danger { background: #b42318; border-color: #b42318; color: #fff; }
    button:disabled { opacity: 0.5; cursor: default; }
    .launcher { box-shadow: 0 2px 8px rgba(0,0,0,.25); border-radius: 999px; padding: 0.6rem 1.1rem; background: #1f6f4a; color: #fff; }
    .panel { width: min(22rem, calc(100vw - 32px)); margin-bottom: 0.6rem; background: #fff; border: 1px solid #ccc; border-radius: 10px;
             box-shadow: 0 4px 18px rgba(0,0,0,.2); padding: 0.8rem 0.9rem; }
    h2 { font-size: 1.05rem; margin: 0 0 0.4rem; }
    p { margin: 0.35rem 0; }
    .row { display: flex; gap: 0.4rem; flex-wrap: wrap; align-items: center; margin-top: 0.4rem; }
    label { display: block; margin: 0.3rem 0; }
    input[type=tel] { font: inherit; width: 100%; padding: 0.35rem; border: 1px solid #999; border-radius: 4px; }
    .error { color: #a00; min-height: 1em; }
    .muted { color: #555; font-size: 0.9rem; }
    meter { width: 8rem; }
    .foot { text-align: right; }
  `;

  const HTML = `
    <div class="panel" part="panel" hidden>
      <h2 class="title">Talk to us</h2>
      <section class="consent" hidden>
        <p>May we call you about your cart? We can talk right here in this page (your microphone), or call your phone.</p>
        <label><input type="radio" name="mode" value="browser" checked> Here in this page</label>
        <label><input type="radio" name="mode" value="pstn"> My phone</label>
        <input type="tel" class="phone" placeholder="+49 30 123456" autocomplete="tel" hidden aria-label="Phone number">
        <label><input type="checkbox" class="agree"> I agree to be called about my cart</label>
        <div class="row"><button type="button" class="primary save">Save</button></div>
      </section>
      <section class="offer" hidden>
        <p class="offer-text"></p>
        <div class="row"><button type="button" class="primary accept">Call me</button><button type="button" class="decline">No, thanks</button></div>
      </section>
      <section class="call" hidden>
        <p class="call-status" role="status" aria-live="polite"></p>
        <p class="call-duration muted" hidden></p>
        <div class="voice" hidden>
          <p><span class="voice-state"></span> <meter class="voice-level" min="0" max="1" low="0.02" value="0" aria-label="Their voice"></meter></p>
          <div class="row"><button type="button" class="mute" aria-pressed="false" disabled>Mute</button><button type="button" class="danger hangup" disabled>Hang up</button></div>
          <audio class="voice-audio" autoplay></audio>
        </div>
        <div class="row"><button type="button" class="cancel" hidden>Cancel the call</button></div>
      </section>
      <p class="answer"></p>
      <p class="error" role="alert"></p>
      <div class="row"><button type="button" class="primary help">Call me now</button></div>
    </div>
    <div class="foot"><button type="button" class="launcher" aria-expanded="false">Talk to us</button></div>
  `;

  const host = document.createElement("div");
  host.id = "cartline-widget";
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${STYLE}</style>${HTML}`;
  const $ = (selector) => root.querySelector(selector);
  const state = { token: STATIC_TOKEN, tokenExpires: 0, preferences: null, offer: null, call: null, ticker: null, ready: false };
  const voice = { callId: null, leg: null, microphone: null, phase: "idle", statsTimer: null };

  function setData(name, value) { host.dataset[name] = value; }
  function showError(text) { $(".error").textContent = text || ""; setData("error", text || ""); }
  function open(show = true) {
    $(".panel").hidden = !show;
    $(".launcher").setAttribute("aria-expanded", String(show));
  }

  // ---- The token and the API ----

  function tokenExpiry(token) {
    try {
      const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(payload + "===".slice((payload.length + 3) % 4))).exp * 1000;
    } catch { return 0; }
  }

  async function freshToken(force) {
    if (!force && state.token && state.tokenExpires - Date.now() > 60000) return state.token;
    if (!TOKEN_URL) {
      if (!state.token) throw new Error("This shop's page gives the Cartline widget no shopper token (data-token or data-token-url).");
      return state.token;
    }
    const response = await fetch(TOKEN_URL, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`The shop did not give a shopper token (${response.status}).`);
    const body = await response.json();
    if (!body || typeof body.token !== "string") throw new Error("The shop's token answer has no token.");
    state.token = body.token;
    state.tokenExpires = tokenExpiry(body.token);
    return state.token;
  }

  function url(path) { return `${BASE}/v1/widget/${encodeURIComponent(MERCHANT)}${path}`; }

  async function api(method, path, body, retried) {
    const token = await freshToken(false);
    const headers = { Accept: "application/json", Authorization: `Shopper ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST" || method === "PUT") headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    let response;
    try {
      response = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", mode: "cors" });
    } catch {
      throw new Error("Cartline could not be reached from this page (is this site one of the shop's allowed origins?).");
    }
    let data = null;
    try { data = await response.json(); } catch { data = null; }
    if (response.status === 401 && !retried && TOKEN_URL) {
      await freshToken(true);
      return api(method, path, body, true);
    }
    if (!response.ok) {
      const error = new Error((data && data.detail) || `Cartline answered ${response.status}.`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function run(action) {
    showError("");
    try { await action(); } catch (error) { showError(error.message); }
  }

  // ---- Preferences (consent) ----

  function showConsent(show) {
    $(".consent").hidden = !show;
    setData("consent", show ? "asked" : "given");
  }

  async function loadPreferences() {
    try {
      state.preferences = await api("GET", "/preferences");
    } catch (error) {
      if (error.status !== 404) throw error;  // 404: none set yet
      state.preferences = null;
    }
    showConsent(!state.preferences || !state.preferences.consent);
  }

  async function savePreferences() {
    const mode = root.querySelector("input[name=mode]:checked").value;
    if (!$(".agree").checked) throw new Error("Tick “I agree to be called” so that we may call you.");
    const body = { mode, consent: true };
    if (mode === "pstn") body.phone = $(".phone").value.trim();
    state.preferences = await api("PUT", "/preferences", body);
    showConsent(false);
    $(".answer").textContent = mode === "browser" ? "Thank you: we will talk right here in this page." : "Thank you: we will call your phone.";
  }

  // ---- Offers and calls ----

  function money(micros, currency) {
    try { return new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 4 }).format(micros / 1e6); }
    catch { return `${(micros / 1e6).toFixed(2)} ${currency}`; }
  }

  function showOffer(offer) {
    state.offer = offer && offer.status === "open" ? offer : null;
    $(".offer").hidden = !state.offer;
    setData("offer", state.offer ? "open" : (offer ? offer.status : ""));
    if (!state.offer) return;
    let text = "An advisor can talk with you about your cart right now.";
    if (offer.price && offer.price.payer === "shopper" && offer.price.perMinuteMicros) {
      text += ` It costs ${money(offer.price.perMinuteMicros, offer.price.currency)} a minute.`;
    }
    $(".offer-text").textContent = text;
    open(true);
  }

  function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
  }

  function showCall(view) {
    if (!view) return;
    state.call = view;
    showOffer(null);
    $(".call").hidden = false;
    $(".call-status").textContent = view.statusText;
    setData("callStatus", view.status);
    setData("callId", view.callId);
    $(".cancel").hidden = !view.cancellable;
    // One call at a time: no help button (and no old answer) while this one is under way.
    const live = !FINAL.has(view.status);
    $(".help").hidden = live;
    if (live) $(".answer").textContent = "";
    clearInterval(state.ticker);
    const duration = $(".call-duration");
    duration.hidden = !(view.status === "talking" && view.talkingSince) && view.durationSeconds === undefined;
    const tick = () => {
      if (view.status === "talking" && view.talkingSince) duration.textContent = `Talking for ${formatDuration((Date.now() - Date.parse(view.talkingSince)) / 1000)}`;
      else if (view.durationSeconds !== undefined) duration.textContent = `The call lasted ${formatDuration(view.durationSeconds)}`;
    };
    tick();
    if (view.status === "talking") state.ticker = setInterval(tick, TICK_MILLISECONDS);
    open(true);
    followVoice(view);
  }

  async function loadEngagement() {
    const now = await api("GET", "/engagement");
    if (now.call) showCall(now.call);
    showOffer(now.offer || null);
  }

  async function answerOffer(accept) {
    if (!state.offer) return;
    const offer = state.offer;
    const answer = await api("POST", `/offers/${encodeURIComponent(offer.offerId)}/${accept ? "accept" : "decline"}`);
    if (accept) showCall(answer); else { showOffer(null); $(".answer").textContent = "All right: we will not call now."; }
  }

  async function askForHelp() {
    $(".answer").textContent = "";
    if (!state.preferences || !state.preferences.consent) { showConsent(true); throw new Error("First tell us how we may call you."); }
    const answer = await api("POST", "/help");
    if (answer.call) { showCall(answer.call); return; }
    const when = answer.callbackAt ? ` We will call you back at ${new Date(answer.callbackAt).toLocaleString()}.` : "";
    $(".answer").textContent = `${answer.reason || ""}${when}`;
  }

  // ---- The offer stream (fetch, so the token travels in a header) ----

  async function stream() {
    while (true) {
      try {
        const token = await freshToken(false);
        const response = await fetch(url("/offers/stream"), { headers: { Accept: "text/event-stream", Authorization: `Shopper ${token}` }, credentials: "omit", mode: "cors" });
        if (response.status === 401 && TOKEN_URL) { await freshToken(true); continue; }
        if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
        setData("stream", "open");
        run(loadEngagement);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        while (true) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = "message", data = "";
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data += line.slice(5).trim();
            }
            if (!data) continue;
            try {
              const payload = JSON.parse(data);
              if (event === "offer") showOffer(payload);
              else if (event === "call") showCall(payload);
            } catch { /* a line that is not JSON: skip it */ }
          }
          if (buffer.length > 65536) buffer = "";  // a bound: no event is that long
        }
      } catch (error) {
        setData("stream", "closed");
        if (/allowed origins|could not be reached|Failed to fetch|NetworkError/i.test(error.message || "")) {
          showError("Cartline could not be reached from this page (is this site one of the shop's allowed origins?).");
        }
      }
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MILLISECONDS));
    }
  }

  // ---- Voice in the page ----

  let voiceScript = null;
  // voice.js declares `CartlineVoice` with a top-level const: a global binding, not a window property.
  const voiceLoaded = () => typeof CartlineVoice !== "undefined";
  function loadVoice() {
    if (!voiceScript) {
      voiceScript = new Promise((resolve, reject) => {
        if (voiceLoaded()) { resolve(); return; }
        const tag = document.createElement("script");
        tag.src = `${BASE}/voice.js`;
        tag.onload = () => (voiceLoaded() ? resolve() : reject(new Error("The voice script did not load.")));
        tag.onerror = () => reject(new Error("The voice script is not available right now."));
        document.head.append(tag);
      }).then(() => CartlineVoice.loadLibrary(BASE));
      voiceScript.catch(() => { voiceScript = null; });
    }
    return voiceScript;
  }

  const VOICE_WORDS = { microphone: "Asking for your microphone…", connecting: "Connecting…", waiting: "Connected, waiting for the call…",
                        ringing: "Answering…", talking: "Talking", ending: "Hanging up…", ended: "Call ended", failed: "Not connected" };

  function setVoicePhase(phase) {
    voice.phase = phase;
    setData("voicePhase", phase);
    $(".voice-state").textContent = VOICE_WORDS[phase] || "";
    $(".mute").disabled = phase !== "talking";
    $(".hangup").disabled = !["ringing", "talking"].includes(phase);
  }

  function followVoice(view) {
    if (view.mode !== "browser") return;
    if (FINAL.has(view.status)) { if (voice.callId === view.callId) leaveVoice(voice.phase === "failed" ? "failed" : "ended"); return; }
    if (voice.callId !== view.callId) joinVoice(view.callId);
  }

  async function joinVoice(callId) {
    leaveVoice();
    voice.callId = callId;
    $(".voice").hidden = false;
    const current = () => voice.callId === callId;
    try {
      setVoicePhase("microphone");
      await loadVoice();
      const microphone = await CartlineVoice.microphone("ask for help again");
      if (!current()) { CartlineVoice.stopTracks(microphone); return; }
      voice.microphone = microphone;
      setVoicePhase("connecting");
      const credentials = await api("POST", `/calls/${encodeURIComponent(callId)}/voice`);
      if (!current() || voice.phase !== "connecting") return;
      voice.leg = new CartlineVoice.GatewayLeg(credentials, microphone, {
        onPhase: (phase) => {
          if (!current()) return;
          if (phase === "ended") { leaveVoice("ended"); return; }
          setVoicePhase(phase);
          if (phase === "talking") {
            clearInterval(voice.statsTimer);
            voice.statsTimer = setInterval(async () => {
              if (!voice.leg) return;
              const stats = await voice.leg.stats().catch(() => null);
              if (!stats) return;
              $(".voice-level").value = stats.level;
              setData("inPackets", String(stats.inPackets));
              setData("inEnergy", String(stats.inEnergy));
            }, STATS_MILLISECONDS);
          }
        },
        onFailure: (text) => { if (current()) { leaveVoice("failed"); showError(text); } },
        onRemoteAudio: (audio) => { if (current()) $(".voice-audio").srcObject = audio; },
      });
      voice.leg.connect();
    } catch (error) {
      if (current()) { leaveVoice("failed"); showError(error.message); }
    }
  }

  function leaveVoice(phase) {
    clearInterval(voice.statsTimer);
    voice.statsTimer = null;
    if (voice.leg) voice.leg.close();
    voice.leg = null;
    if (voiceLoaded()) CartlineVoice.stopTracks(voice.microphone);
    voice.microphone = null;
    $(".voice-audio").srcObject = null;
    if (phase) setVoicePhase(phase);
  }

  // ---- Start ----

  function start() {
    document.body.append(host);
    $(".launcher").addEventListener("click", () => open($(".panel").hidden));
    $(".save").addEventListener("click", () => run(savePreferences));
    for (const radio of root.querySelectorAll("input[name=mode]")) {
      radio.addEventListener("change", () => { $(".phone").hidden = root.querySelector("input[name=mode]:checked").value !== "pstn"; });
    }
    $(".accept").addEventListener("click", () => run(() => answerOffer(true)));
    $(".decline").addEventListener("click", () => run(() => answerOffer(false)));
    $(".help").addEventListener("click", () => run(askForHelp));
    $(".cancel").addEventListener("click", () => run(async () => { if (state.call) showCall(await api("POST", `/calls/${encodeURIComponent(state.call.callId)}/cancel`)); }));
    $(".mute").addEventListener("click", () => {
      if (!voice.leg) return;
      const muted = voice.leg.toggleMute();
      $(".mute").textContent = muted ? "Unmute" : "Mute";
      $(".mute").setAttribute("aria-pressed", String(muted));
    });
    $(".hangup").addEventListener("click", () => { if (voice.leg) voice.leg.hangUp(); });
    if (!MERCHANT) { showError("The Cartline widget needs data-merchant on its script tag."); open(true); return; }
    run(async () => {
      if (state.token) state.tokenExpires = tokenExpiry(state.token);
      await loadPreferences();
      setData("ready", "true");
      stream();
    }).then(() => { if ($(".error").textContent) { setData("ready", "failed"); open(true); } });
  }

  window.CartlineWidget = { version: 1 };
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
