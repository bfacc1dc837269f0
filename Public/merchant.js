// Cartline merchant console. A merchant's user signs in with login and password (or sets the
// password with an invitation code); the session is an HttpOnly cookie this script never
// sees. Everything read and changed is the signed-in user's own shop: conversion against the
// holdout group and spending (bar charts drawn here as inline SVG, like the finance report's),
// settings (the profile as one document, saved with If-Match so a concurrent change is never
// overwritten), agents' sign-in codes, calls, invoices, webhook secrets and failures, users.
// Every failure is shown in words beside what failed. No library, no build step.
"use strict";

const CALLS_POLL_MILLISECONDS = 5000;
const PAGE_SIZE = 20;
const LIVE = new Set(["requested", "connecting", "ringing", "answered", "talking"]);
const SVG = "http://www.w3.org/2000/svg";
const MAX_BARS = 62;

const $ = (id) => document.getElementById(id);
const state = {
  session: null,
  tab: "overview",
  profile: null,   // { merchant, version, status } as last read
  etag: null,
  callFilter: "recent",
  callPage: 1,
  callPages: 1,
  callsTimer: null,
};

// ---- HTTP ----

async function api(method, path, body, headers) {
  const options = { method, headers: Object.assign({ Accept: "application/json" }, headers || {}), credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    return { ok: false, status: 0, data: { detail: `Could not reach the server (${error.message}); check your connection and try again.` } };
  }
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch { data = null; }
  }
  const result = { ok: response.ok, status: response.status, data, etag: response.headers.get("ETag") };
  // A session that ended (expired, revoked, signed out elsewhere) sends the user back to sign in.
  if (response.status === 401 && state.session && path !== "/v1/merchant/sign-in" && path !== "/v1/merchant/password") {
    showSignIn(problemText(result));
  }
  return result;
}

function problemText(result) {
  if (result.data && result.data.detail) return result.data.detail;
  if (result.status === 0) return "Could not reach the server.";
  return `The server answered ${result.status} without saying why; try again.`;
}

// ---- Formatting ----

function money(micros, currency) {
  const negative = micros < 0;
  const absolute = Math.abs(micros);
  const units = Math.floor(absolute / 1e6);
  let fraction = String(absolute % 1e6).padStart(6, "0").replace(/0+$/, "");
  if (fraction.length < 2) fraction = fraction.padEnd(2, "0");
  return `${negative ? "-" : ""}${units}.${fraction} ${currency || ""}`.trim();
}

function unitsToMicros(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value * 1e6) : NaN;
}

function microsToUnits(micros) { return String(micros / 1e6); }
function basisPointsToPercent(bp) { return String(bp / 100); }
function percentToBasisPoints(text) {
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value * 100) : NaN;
}

function when(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// ---- Charts: bar charts as inline SVG, drawn like cartline-finance's SVGBarChart ----

function barChart(container, title, bars, widthPixels) {
  container.replaceChildren();
  const width = widthPixels || 720;
  const height = 260;
  const shown = bars.slice(-MAX_BARS);
  const top = 44, bottom = 40, left = 10;
  const plotHeight = height - top - bottom;
  const maxValue = Math.max(...shown.map((bar) => Math.abs(bar.value)), 1e-12);
  const slot = shown.length ? (width - 2 * left) / shown.length : 0;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${title}: ${shown.map((bar) => `${bar.label} ${bar.valueText}`).join(", ") || "no data"}`);
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  add("text", { x: left, y: 18, class: "chart-title" }, title);
  add("line", { x1: left, y1: top + plotHeight, x2: width - left, y2: top + plotHeight, stroke: "#888" });
  if (!shown.length) add("text", { x: left, y: top + plotHeight / 2, class: "chart-empty" }, "no data in this range");
  shown.forEach((bar, index) => {
    const barHeight = Math.max(0, bar.value) / maxValue * plotHeight;
    const barWidth = Math.min(slot * 0.7, 60);
    const x = left + index * slot + (slot - barWidth) / 2;
    const y = top + plotHeight - barHeight;
    const rect = add("rect", { x: x.toFixed(1), y: y.toFixed(1), width: barWidth.toFixed(1), height: barHeight.toFixed(1), fill: "#2f6fb0" });
    const tip = document.createElementNS(SVG, "title");
    tip.textContent = `${bar.label}: ${bar.valueText}`;
    rect.append(tip);
    add("text", { x: (x + barWidth / 2).toFixed(1), y: (y - 4).toFixed(1), "text-anchor": "middle", class: "bar-value" }, bar.valueText);
    add("text", { x: (x + barWidth / 2).toFixed(1), y: (top + plotHeight + 16).toFixed(1), "text-anchor": "middle", class: "bar-label" }, bar.label);
  });
  container.append(svg);
  if (bars.length > shown.length) container.append(element("p", { class: "hint", text: `showing the last ${shown.length} of ${bars.length} bars` }));
}

// ---- Sign-in ----

function readSaved() {
  try { return JSON.parse(localStorage.getItem("cartline-merchant") || "{}"); } catch { return {}; }
}

function save(session) {
  try { localStorage.setItem("cartline-merchant", JSON.stringify({ merchantId: session.merchantId, login: session.login })); } catch { /* private mode */ }
}

function showSignIn(message) {
  stopCallsPolling();
  state.session = null;
  state.profile = null;
  $("console").hidden = true;
  $("who").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message || "";
  $("password").value = "";
  document.body.dataset.state = "signed-out";
  const saved = readSaved();
  const query = new URLSearchParams(location.search);
  if (!$("merchant-id").value) $("merchant-id").value = query.get("merchant") || saved.merchantId || "";
  if (!$("login").value) $("login").value = query.get("login") || saved.login || "";
}

function showConsole(session) {
  state.session = session;
  $("sign-in").hidden = true;
  $("console").hidden = false;
  $("who").hidden = false;
  $("who-text").textContent = `${session.login} (${session.role}) — ${session.merchantName} (${session.merchantId})`;
  $("password").value = "";
  $("invite-code").value = "";
  $("new-password").value = "";
  $("new-password-again").value = "";
  $("invite-form").hidden = session.role !== "owner";
  document.body.dataset.state = "signed-in";
  document.body.dataset.role = session.role;
  save(session);
  showTab(state.tab);
}

function credentials() {
  return { merchantId: $("merchant-id").value.trim(), login: $("login").value.trim() };
}

async function signIn(event) {
  event.preventDefault();
  const { merchantId, login } = credentials();
  const password = $("password").value;
  const missing = [!merchantId && "the shop", !login && "your email or user name", !password && "your password"].filter(Boolean);
  if (missing.length) { $("sign-in-error").textContent = `Please fill in ${missing.join(", ")}.`; return; }
  $("sign-in-button").disabled = true;
  $("sign-in-error").textContent = "";
  const result = await api("POST", "/v1/merchant/sign-in", { merchantId, login, password });
  $("sign-in-button").disabled = false;
  if (result.ok) showConsole(result.data);
  else $("sign-in-error").textContent = problemText(result);
}

async function setPassword(event) {
  event.preventDefault();
  const { merchantId, login } = credentials();
  const code = $("invite-code").value.trim();
  const password = $("new-password").value;
  const missing = [!merchantId && "the shop (in the sign-in form)", !login && "your email or user name (in the sign-in form)",
                   !code && "the invitation code", !password && "a new password"].filter(Boolean);
  if (missing.length) { $("password-error").textContent = `Please fill in ${missing.join(", ")}.`; return; }
  if (password !== $("new-password-again").value) { $("password-error").textContent = "The two passwords differ; type the same one twice."; return; }
  if (password.length < 10) { $("password-error").textContent = "A password has at least 10 characters."; return; }
  $("password-button").disabled = true;
  $("password-error").textContent = "";
  const result = await api("POST", "/v1/merchant/password", { merchantId, login, code, password });
  $("password-button").disabled = false;
  if (result.ok) showConsole(result.data);
  else $("password-error").textContent = problemText(result);
}

async function signOut() {
  await api("POST", "/v1/merchant/sign-out");
  showSignIn("You are signed out.");
}

// ---- Tabs ----

function showTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll(".tab")) button.setAttribute("aria-pressed", String(button.dataset.tab === tab));
  for (const panel of document.querySelectorAll(".panel")) panel.hidden = panel.id !== `tab-${tab}`;
  $("message").textContent = "";
  stopCallsPolling();
  const loaders = { overview: loadOverview, settings: loadSettings, calls: startCallsPolling, invoices: loadInvoices, webhooks: loadWebhooks, users: loadUsers };
  (loaders[tab] || loadOverview)();
}

// ---- Overview: conversion and spending ----

async function loadOverview() {
  const days = $("conversion-days").value;
  const conversion = await api("GET", `/v1/merchant/conversion?days=${encodeURIComponent(days)}`);
  if (!conversion.ok) { $("message").textContent = `The conversion report could not be read: ${problemText(conversion)}`; return; }
  const report = conversion.data;
  barChart($("conversion-chart"), "Conversion rate", report.groups.map((group) => ({
    label: `${group.name} (n=${group.carts})`, value: group.rate || 0, valueText: group.rateText,
  })), 420);
  $("conversion-rows").replaceChildren(...report.groups.map((group) => element("tr", {},
    element("th", { scope: "row", text: group.name }), element("td", { text: String(group.carts) }), element("td", { text: String(group.converted) }),
    element("td", { text: group.rateText }), element("td", { text: money(group.revenuePerCartMicros, report.currency) }))));
  $("conversion-note").textContent = [report.uplift ? report.uplift.text : "", report.note,
    report.truncated ? "Only your newest carts are counted." : ""].filter(Boolean).join(". ");
  const spending = await api("GET", "/v1/merchant/spending");
  if (!spending.ok) { $("message").textContent = `Spending could not be read: ${problemText(spending)}`; return; }
  drawSpending($("overview-spending-chart"), spending.data);
  document.body.dataset.overview = "ready";
}

function drawSpending(container, spending) {
  barChart(container, `Spending by day (${spending.currency})`, spending.days.map((day) => ({
    label: day.day.slice(5), value: day.amountMicros, valueText: money(day.amountMicros, spending.currency),
  })));
}

// ---- Settings ----

const RULES = [
  ["idleThresholdSeconds", "engagement", "idleThresholdSeconds", "integer"],
  ["marginPercent", "engagement", "marginBasisPoints", "percent"],
  ["upliftPercent", "engagement", "upliftBasisPoints", "percent"],
  ["expectedCallCost", "engagement", "expectedCallCostMicros", "money"],
  ["minimumGain", "engagement", "minimumGainMicros", "money"],
  ["cooldownSeconds", "engagement", "cooldownSeconds", "integer"],
  ["holdoutPercent", "engagement", "holdoutBasisPoints", "percent"],
  ["offerTTLSeconds", "engagement", "offerTTLSeconds", "integer"],
  ["perMinute", "pricing", "perMinuteMicros", "money"],
  ["billingIncrementSeconds", "pricing", "billingIncrementSeconds", "integer"],
  ["setupFee", "pricing", "setupFeeMicros", "money"],
];

async function loadSettings() {
  $("settings-error").textContent = "";
  $("settings-status").textContent = "";
  const result = await api("GET", "/v1/merchant/profile");
  if (!result.ok) { $("settings-error").textContent = `Your settings could not be read: ${problemText(result)}`; return; }
  fillSettings(result.data, result.etag);
}

function fillSettings(view, etag) {
  state.profile = view;
  state.etag = etag;
  const merchant = view.merchant;
  for (const node of document.querySelectorAll(".currency")) node.textContent = merchant.currency;
  for (const [id, group, field, kind] of RULES) {
    const value = merchant[group][field];
    $(id).value = kind === "percent" ? basisPointsToPercent(value) : kind === "money" ? microsToUnits(value) : String(value);
  }
  $("payer").value = merchant.pricing.payer;
  $("agents").value = merchant.agents.map((agent) => `${agent.name}, ${agent.sipUri}`).join("\n");
  $("allowedOrigins").value = (merchant.allowedOrigins || []).join("\n");
  drawAgentAccess(merchant.agents);
  document.body.dataset.settings = `v${view.version}`;
}

function readSettings() {
  const merchant = JSON.parse(JSON.stringify(state.profile.merchant));
  delete merchant.merchantId;
  const problems = [];
  for (const [id, group, field, kind] of RULES) {
    const text = $(id).value.trim();
    const label = document.querySelector(`label[for="${id}"]`).textContent.trim();
    const value = kind === "percent" ? percentToBasisPoints(text) : kind === "money" ? unitsToMicros(text) : Number(text);
    if (text === "" || !Number.isInteger(value)) problems.push(`“${label}” needs a number`);
    else merchant[group][field] = value;
  }
  merchant.pricing.payer = $("payer").value;
  merchant.agents = [];
  $("agents").value.split("\n").map((line) => line.trim()).filter(Boolean).forEach((line, index) => {
    const comma = line.indexOf(",");
    if (comma < 1) { problems.push(`agent line ${index + 1} needs a name, a comma and a SIP address (or browser)`); return; }
    merchant.agents.push({ name: line.slice(0, comma).trim(), sipUri: line.slice(comma + 1).trim() });
  });
  merchant.allowedOrigins = $("allowedOrigins").value.split("\n").map((line) => line.trim()).filter(Boolean);
  return { merchant, problems };
}

async function saveSettings(event) {
  event.preventDefault();
  $("settings-error").textContent = "";
  $("settings-status").textContent = "";
  if (!state.profile) { $("settings-error").textContent = "Your settings are not loaded yet; press Reload."; return; }
  const { merchant, problems } = readSettings();
  if (problems.length) { $("settings-error").textContent = `Not saved: ${problems.join("; ")}.`; return; }
  $("save-settings").disabled = true;
  const result = await api("PUT", "/v1/merchant/profile", merchant, state.etag ? { "If-Match": state.etag } : {});
  $("save-settings").disabled = false;
  if (result.ok) {
    fillSettings(result.data, result.etag);
    $("settings-status").textContent = `Saved (version ${result.data.version}). New carts and offers follow these rules from now on.`;
  } else if (result.status === 412) {
    $("settings-error").textContent = "Not saved: someone changed the settings since you loaded them. Press Reload to see their change, then make yours again.";
  } else {
    $("settings-error").textContent = `Not saved: ${problemText(result)}`;
  }
}

function drawAgentAccess(agents) {
  $("agent-access").replaceChildren(...agents.map((agent) => {
    const issue = element("button", { type: "button", class: "issue-code", text: "Issue a sign-in code" });
    const revoke = element("button", { type: "button", class: "revoke-agent", text: "Revoke sign-ins" });
    const code = element("span", { class: "code" });
    issue.addEventListener("click", () => agentAccess(agent.name, "sign-in-codes", code));
    revoke.addEventListener("click", () => agentAccess(agent.name, "revoke", code));
    return element("li", { "data-agent": agent.name }, element("span", { class: "name", text: agent.name }), issue, revoke, code);
  }));
}

async function agentAccess(name, action, codeNode) {
  $("agent-access-error").textContent = "";
  $("agent-access-status").textContent = "";
  const result = await api("POST", `/v1/merchant/agents/${encodeURIComponent(name)}/${action}`);
  if (!result.ok) { $("agent-access-error").textContent = `${name}: ${problemText(result)}`; return; }
  if (action === "sign-in-codes") {
    codeNode.textContent = `Code ${result.data.code}, until ${when(result.data.expiresAt)}`;
    $("agent-access-status").textContent = `A code for ${name} is shown beside their name; it works once.`;
  } else {
    codeNode.textContent = "";
    $("agent-access-status").textContent = `Every sign-in of ${name} is revoked; they need a new code.`;
  }
}

// ---- Calls ----

function startCallsPolling() {
  stopCallsPolling();
  loadCalls();
  state.callsTimer = setInterval(loadCalls, CALLS_POLL_MILLISECONDS);
}

function stopCallsPolling() {
  if (state.callsTimer) clearInterval(state.callsTimer);
  state.callsTimer = null;
}

async function loadCalls() {
  const result = await api("GET", `/v1/merchant/calls?status=${state.callFilter}&page=${state.callPage}&pageSize=${PAGE_SIZE}`);
  if (!result.ok) { $("message").textContent = `The calls could not be read: ${problemText(result)}`; return; }
  $("message").textContent = "";
  const list = result.data;
  state.callPages = list.pageCount;
  $("page-info").textContent = `Page ${list.page} of ${list.pageCount} (${list.total} calls)`;
  $("prev-page").disabled = list.page <= 1;
  $("next-page").disabled = list.page >= list.pageCount;
  $("no-calls").hidden = list.calls.length > 0;
  $("no-calls").textContent = { live: "No call is under way.", recent: "No call in the last 24 hours.", all: "No call yet." }[state.callFilter];
  $("calls").replaceChildren(...list.calls.map(callCard));
  document.body.dataset.calls = String(list.total);
}

function callCard(call) {
  const details = element("dl", {});
  const row = (term, value) => { if (value) details.append(element("dt", { text: term }), element("dd", { text: value })); };
  row("Requested", when(call.requestedAt));
  row("By", call.modeText);
  row("Agent", call.agentName);
  if (call.durationSeconds !== undefined) row("Duration", `${call.durationSeconds} s`);
  if (call.cart) row("Cart", `${call.cart.items.length} item(s), ${call.cart.total.display || money(call.cart.total.amountMicros, call.cart.total.currency)}`);
  if (call.claimedBy) row("Claimed by", call.claimedBy.agentName);
  if (call.outcome) row("Outcome", `${call.outcome.outcome}${call.outcome.note ? ` — ${call.outcome.note}` : ""}`);
  return element("li", { class: "call", "data-call-id": call.callId, "data-status": call.status, "data-live": String(LIVE.has(call.status)) },
    element("div", { class: "call-head" }, element("span", { class: "shopper", text: call.shopperName }), element("span", { class: "status", text: call.status })),
    element("p", { class: "status-text", text: call.statusText + (call.reason ? ` (${call.reason})` : "") }), details);
}

// ---- Spending and invoices ----

async function loadInvoices() {
  const month = $("spending-month").value;
  const spending = await api("GET", `/v1/merchant/spending${month ? `?month=${encodeURIComponent(month)}` : ""}`);
  if (!spending.ok) { $("message").textContent = `Spending could not be read: ${problemText(spending)}`; return; }
  const data = spending.data;
  if (!month) $("spending-month").value = data.month;
  $("spending-summary").textContent = data.payer === "merchant"
    ? `${data.month}: ${data.usage.callCount} call(s) paid by your shop, ${money(data.usage.totalMicros, data.currency)} so far (not yet invoiced).`
    : `${data.month}: your shoppers pay for their calls, so your shop spends nothing on them (${data.usage.callCount} call(s) billed to your shop).`;
  drawSpending($("spending-chart"), data);
  const invoices = await api("GET", "/v1/merchant/invoices");
  if (!invoices.ok) { $("message").textContent = `The invoices could not be read: ${problemText(invoices)}`; return; }
  const list = invoices.data.invoices;
  $("no-invoices").hidden = list.length > 0;
  $("invoice-table").hidden = list.length === 0;
  $("invoice-rows").replaceChildren(...list.map((invoice) => element("tr", {},
    element("th", { scope: "row", text: invoice.month }), element("td", { text: String(invoice.callCount) }),
    element("td", { text: invoice.lines.map((line) => `${line.text}: ${money(line.amountMicros, invoice.currency)}`).join("; ") }),
    element("td", { text: money(invoice.totalMicros, invoice.currency) }), element("td", { text: when(invoice.issuedAt) }))));
  document.body.dataset.invoices = "ready";
}

// ---- Webhooks ----

async function loadWebhooks() {
  $("secrets-error").textContent = "";
  const secrets = await api("GET", "/v1/merchant/webhooks/secrets");
  if (!secrets.ok) { $("secrets-error").textContent = `The secrets could not be read: ${problemText(secrets)}`; return; }
  $("secrets").replaceChildren(...secrets.data.secrets.map((secret) => {
    const remove = element("button", { type: "button", class: "remove-secret", text: "Remove" });
    remove.addEventListener("click", () => removeSecret(secret.secretId));
    return element("li", {}, element("span", { class: "name", text: secret.secretId }), element("span", { text: `added ${when(secret.addedAt)}` }), remove);
  }));
  if (!secrets.data.secrets.length) $("secrets").append(element("li", { text: "No secret yet: notifications from your shop are refused until you add one." }));
  $("add-secret").disabled = secrets.data.secrets.length >= secrets.data.maxValid;
  const failures = await api("GET", "/v1/merchant/webhooks/failures");
  if (!failures.ok) { $("secrets-error").textContent = `The failures could not be read: ${problemText(failures)}`; return; }
  $("no-failures").hidden = failures.data.failures.length > 0;
  $("failures").replaceChildren(...failures.data.failures.map((failure) => element("li", {},
    element("span", { class: "name", text: `${when(failure.receivedAt)} — ${failure.platform}, HTTP ${failure.status}` }),
    element("span", { text: failure.detail }), element("code", { text: failure.excerpt }))));
}

async function addSecret(event) {
  event.preventDefault();
  $("secrets-error").textContent = "";
  const value = $("secret-value").value.trim();
  const result = await api("POST", "/v1/merchant/webhooks/secrets", value ? { secret: value } : undefined);
  if (!result.ok) { $("secrets-error").textContent = `Not added: ${problemText(result)}`; return; }
  $("secret-value").value = "";
  $("new-secret").hidden = false;
  $("new-secret").textContent = `Added ${result.data.secretId}. Its value is shown this once — copy it into your shop now: ${result.data.secret}`;
  loadWebhooks();
}

async function removeSecret(secretId) {
  $("secrets-error").textContent = "";
  const result = await api("DELETE", `/v1/merchant/webhooks/secrets/${encodeURIComponent(secretId)}`);
  if (!result.ok) { $("secrets-error").textContent = `Not removed: ${problemText(result)}`; return; }
  $("new-secret").hidden = true;
  loadWebhooks();
}

// ---- Users ----

async function loadUsers() {
  $("users-error").textContent = "";
  const result = await api("GET", "/v1/merchant/users");
  if (!result.ok) { $("users-error").textContent = `The users could not be read: ${problemText(result)}`; return; }
  const owner = state.session && state.session.role === "owner";
  $("users").replaceChildren(...result.data.users.map((user) => {
    const item = element("li", {}, element("span", { class: "name", text: user.login }),
      element("span", { text: `${user.role}, ${user.status}${user.lastSignInAt ? `, last signed in ${when(user.lastSignInAt)}` : ""}` }));
    if (owner && user.status !== "revoked" && user.login !== state.session.login) {
      const revoke = element("button", { type: "button", class: "revoke-user", text: "Revoke" });
      revoke.addEventListener("click", () => revokeUser(user.login));
      item.append(revoke);
    }
    return item;
  }));
}

async function invite(event) {
  event.preventDefault();
  $("users-error").textContent = "";
  const login = $("invite-login").value.trim();
  if (!login) { $("users-error").textContent = "Please fill in the email or user name to invite."; return; }
  const result = await api("POST", "/v1/merchant/users", { login, role: $("invite-role").value });
  if (!result.ok) { $("users-error").textContent = `Not invited: ${problemText(result)}`; return; }
  $("invite-login").value = "";
  $("invitation").hidden = false;
  $("invitation").textContent = `Give ${result.data.login} the code ${result.data.code} (valid until ${when(result.data.expiresAt)}); they set their password at ${location.origin}/merchant.`;
  loadUsers();
}

async function revokeUser(login) {
  $("users-error").textContent = "";
  const result = await api("POST", `/v1/merchant/users/${encodeURIComponent(login)}/revoke`);
  if (!result.ok) { $("users-error").textContent = `Not revoked: ${problemText(result)}`; return; }
  loadUsers();
}

// ---- Start ----

function start() {
  $("sign-in-form").addEventListener("submit", signIn);
  $("password-form").addEventListener("submit", setPassword);
  $("sign-out").addEventListener("click", signOut);
  for (const button of document.querySelectorAll(".tab")) button.addEventListener("click", () => showTab(button.dataset.tab));
  $("conversion-days").addEventListener("change", loadOverview);
  $("settings-form").addEventListener("submit", saveSettings);
  $("reload-settings").addEventListener("click", loadSettings);
  for (const button of document.querySelectorAll(".filter")) {
    button.addEventListener("click", () => {
      state.callFilter = button.dataset.filter;
      state.callPage = 1;
      for (const other of document.querySelectorAll(".filter")) other.setAttribute("aria-pressed", String(other === button));
      loadCalls();
    });
  }
  $("prev-page").addEventListener("click", () => { if (state.callPage > 1) { state.callPage -= 1; loadCalls(); } });
  $("next-page").addEventListener("click", () => { if (state.callPage < state.callPages) { state.callPage += 1; loadCalls(); } });
  $("spending-month").addEventListener("change", loadInvoices);
  $("secret-form").addEventListener("submit", addSecret);
  $("invite-form").addEventListener("submit", invite);
  api("GET", "/v1/merchant/session").then((result) => {
    if (result.ok) showConsole(result.data);
    else showSignIn(result.status === 401 && result.data && result.data.type === "urn:cartline:problem:not-signed-in" ? "" : problemText(result));
  });
}

start();
