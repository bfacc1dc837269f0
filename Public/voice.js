// Cartline voice: one leg of a call taken in this page, through the Janus gateway. Shared by
// the storefront (the shopper's leg of a browser-mode call) and the agent console (the agent's
// leg of a call routed to an agent who answers in the console).
//
// The page gets credentials minted by Cartline for that one leg (never put in a URL), loads
// janus.js from Cartline (Debian's libjs-janus-gateway, no CDN), registers through the gateway
// with them, and accepts the telephony node's INVITE only when it carries the leg's proof.
// Closing the tab closes Janus's WebSocket, and Janus hangs the call up at once.
"use strict";

const CartlineVoice = (() => {
  let library = null;

  // janus.js, once, from Cartline (`base`: Cartline's origin when the page is another's, as
  // for the embeddable widget; empty on Cartline's own pages).
  function loadLibrary(base = "") {
    if (!library) {
      library = new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = `${base}/vendor/janus.js`;
        script.onload = () => (window.Janus ? resolve() : reject(new Error("The voice library did not load; please reload the page.")));
        script.onerror = () => reject(new Error("The voice library is not available right now; please try again later."));
        document.head.append(script);
      }).then(() => new Promise((resolve) => {
        // Debian ships no adapter.js; janus.js only needs the browser's family from it.
        const browser = /Firefox\//.test(navigator.userAgent) ? "firefox" : (/Chrom(e|ium)\//.test(navigator.userAgent) ? "chrome" : "safari");
        const adapter = { browserDetails: { browser, version: 120 } };
        Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter }), callback: resolve });
      }));
      library.catch(() => { library = null; });  // a later call tries again
    }
    return library;
  }

  // The microphone, or an error whose message says what to do; `allowHint` ends the message
  // when permission was refused (each page says how to try again).
  async function microphone(allowHint) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("This browser cannot use a microphone on this page (it needs https or localhost).");
    }
    try {
      return await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    } catch (error) {
      if (error.name === "NotAllowedError") throw new Error(`Allow this page to use your microphone, then ${allowHint}.`);
      if (error.name === "NotFoundError") throw new Error(`No microphone was found: connect one, then ${allowHint}.`);
      throw new Error(`Your microphone could not be used (${error.name}).`);
    }
  }

  // A leg's statistics shown in a page's voice box: the far side's level on `meter`, the
  // receive/send counters as data- attributes of `box` (what the browser tests read).
  function showStats(stats, box, meter) {
    meter.value = stats.level;
    box.dataset.inPackets = String(stats.inPackets);
    box.dataset.inEnergy = String(stats.inEnergy);
    box.dataset.outPackets = String(stats.outPackets);
  }

  // A mute button's words and pressed state.
  function showMute(button, muted) {
    button.textContent = muted ? "Unmute" : "Mute";
    button.setAttribute("aria-pressed", String(muted));
  }

  function stopTracks(stream) {
    if (stream) for (const track of stream.getTracks()) track.stop();
  }

  // One leg through the gateway. `handlers.onPhase(phase)` hears "waiting" (registered, ready
  // for the INVITE), "ringing" (answering it), "talking" and "ended"; `handlers.onFailure(text)`
  // hears why the leg could not be (or stay) connected; `handlers.onRemoteAudio(stream)` gets
  // the far side's audio. The owner keeps the microphone stream and stops it.
  class GatewayLeg {
    constructor(credentials, microphoneStream, handlers) {
      this.credentials = credentials;
      this.microphone = microphoneStream;
      this.handlers = handlers;
      this.phase = "connecting";
      this.janus = null;
      this.sip = null;
      this.closed = false;
    }

    connect() {
      const credentials = this.credentials;
      const options = {
        server: credentials.websocketUrl,
        token: credentials.janusToken,
        success: () => this.janus.attach({
          plugin: "janus.plugin.sip",
          success: (handle) => {
            if (this.closed) return;
            this.sip = handle;
            handle.send({ message: {
              request: "register", username: `sip:${credentials.sipUser}@${credentials.registrar}`, secret: credentials.sipPassword,
              proxy: `sip:${credentials.registrar}`, register_ttl: 300, incoming_header_prefixes: ["X-Cartline-"],
            } });
          },
          error: (error) => this.fail(`The voice gateway refused this page (${error}).`),
          onmessage: (message, jsep) => { if (!this.closed) this.onMessage(message, jsep); },
          onremotetrack: (track, mid, on) => {
            if (on && track.kind === "audio" && !this.closed) this.handlers.onRemoteAudio(new MediaStream([track]));
          },
        }),
        error: (error) => {
          if (!["ended", "failed"].includes(this.phase)) this.fail(`The connection to the voice gateway was lost (${error}).`);
        },
      };
      if (credentials.iceServers && credentials.iceServers.length) options.iceServers = credentials.iceServers;
      this.janus = new Janus(options);
    }

    setPhase(phase) {
      this.phase = phase;
      this.handlers.onPhase(phase);
    }

    fail(text) {
      if (this.closed) return;
      this.close();
      this.phase = "failed";
      this.handlers.onFailure(text);
    }

    onMessage(message, jsep) {
      const result = message.result || {};
      const event = result.event;
      if (message.error) { this.fail(`The voice gateway answered: ${message.error}.`); return; }
      if (event === "registered") this.setPhase("waiting");
      else if (event === "registration_failed") {
        // The registrar takes each leg's credentials once: another tab joined first.
        if (/already used/i.test(result.reason || "")) this.fail("This call rings in another tab or window of yours: talk there.");
        else this.fail(`This page could not join the call (${result.code} ${result.reason || ""}).`.replace(" )", ")"));
      } else if (event === "incomingcall") {
        if ((result.headers || {})["X-Cartline-Proof"] !== this.credentials.proof || this.phase !== "waiting") {
          // Not this leg's INVITE through the gateway's registrar: refuse it, stay ready.
          this.sip.send({ message: { request: "decline", code: 403 } });
          return;
        }
        this.setPhase("ringing");
        const track = this.microphone && this.microphone.getAudioTracks()[0];
        this.sip.createAnswer({
          jsep,
          tracks: [{ type: "audio", capture: track || true, recv: true }],
          success: (answer) => this.sip.send({ message: { request: "accept" }, jsep: answer }),
          error: (error) => {
            this.sip.send({ message: { request: "decline", code: 480 } });
            this.fail(`Your browser could not take the call (${error}).`);
          },
        });
        return;
      } else if (event === "accepted") {
        this.setPhase("talking");
      } else if (event === "hangup") {
        // A declined stray call also ends in a hangup event: only the accepted call's counts.
        if (["ringing", "talking", "ending"].includes(this.phase)) { this.phase = "ended"; this.close(); this.setPhase("ended"); }
      }
      if (jsep && this.sip) this.sip.handleRemoteJsep({ jsep });
    }

    // The far side's level (0..1, for a meter) and the receive/send counters of getStats().
    async stats() {
      const pc = this.sip && this.sip.webrtcStuff && this.sip.webrtcStuff.pc;
      const found = { level: 0, inPackets: 0, inEnergy: 0, outPackets: 0 };
      if (!pc) return found;
      const report = await pc.getStats();
      report.forEach((entry) => {
        if (entry.kind !== "audio") return;
        if (entry.type === "inbound-rtp") {
          // audioLevel is linear (0..1); its square root reads closer to how loud it sounds.
          found.level = Math.min(1, Math.sqrt(entry.audioLevel || 0));
          found.inPackets = entry.packetsReceived || 0;
          found.inEnergy = entry.totalAudioEnergy || 0;
        }
        if (entry.type === "outbound-rtp") found.outPackets = entry.packetsSent || 0;
      });
      return found;
    }

    // Mutes or unmutes this side; returns whether it is muted now.
    toggleMute() {
      if (!this.sip || this.phase !== "talking") return false;
      if (this.sip.isAudioMuted()) this.sip.unmuteAudio(); else this.sip.muteAudio();
      return this.sip.isAudioMuted();
    }

    // Hangs up; Janus confirms with a hangup event ("ended"), and past `confirmMilliseconds`
    // the leg ends anyway.
    hangUp(confirmMilliseconds = 3000) {
      if (!this.sip || !["ringing", "talking"].includes(this.phase)) return;
      this.setPhase("ending");
      this.sip.send({ message: { request: "hangup" } });
      setTimeout(() => { if (this.phase === "ending") { this.close(); this.setPhase("ended"); } }, confirmMilliseconds);
    }

    // Tears the gateway session down (Janus hangs up any call of it). Idempotent.
    close() {
      if (this.closed) return;
      this.closed = true;
      if (this.sip && ["ringing", "talking"].includes(this.phase)) this.sip.send({ message: { request: "hangup" } });
      if (this.janus) this.janus.destroy({ cleanupHandles: true });
      this.janus = null;
      this.sip = null;
    }
  }

  return { loadLibrary, microphone, stopTracks, showStats, showMute, GatewayLeg };
})();
