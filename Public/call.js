// The click-to-call link's page (GET /v1/carts/{cartId}/call): following the link changes
// nothing — link prefetchers and other sites' navigations land here harmlessly. Only the
// shopper's press of the button asks for the call, with a POST to the same address from this
// page (same origin, with the session cookie); then the shop shows the call's progress.
"use strict";

const $ = (id) => document.getElementById(id);

async function callMe() {
  $("call-me").disabled = true;
  $("error").textContent = "";
  try {
    const response = await fetch(location.pathname, { method: "POST", headers: { Accept: "application/json" }, credentials: "same-origin" });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error((body && body.detail) || `The shop answered ${response.status}.`);
    if (body.action === "call") {
      $("answer").textContent = "We are calling you now. The shop's page shows how the call goes.";
      setTimeout(() => { location.href = "/"; }, 1500);
    } else {
      const when = body.callbackAt ? ` We will call you back on ${new Date(body.callbackAt).toLocaleString()}.` : "";
      $("answer").textContent = `${body.reason || ""}${when}`;
      $("call-me").disabled = false;
    }
  } catch (error) {
    $("error").textContent = error.message;
    $("call-me").disabled = false;
  }
}

$("call-me").addEventListener("click", callMe);
document.body.dataset.ready = "true";
