/**
 * The web inbox (v-mailer "Caixa de entrada": Ouvir, Data, Protocolo, De/Para, Motivo do desvio;
 * unheard messages in bold; play, download in WAV, GSM and MP3, mark heard, delete; on the marked
 * ones download, "Enviar por e-mail" and delete) and the recordings table with its search
 * (INTEREDE: by day, origin, destination; date, origin and destination, size and duration; play,
 * download, delete; "Baixar selecionados" and "Excluir selecionados"). Downloading several gives
 * one WAV file per message or recording, as the single download does: no archive format for the
 * user to unpack, and each file keeps its own name. One self-contained
 * page: it calls the API with the token given in the address (`/inbox#token=...`, kept out of
 * server logs as a fragment) or typed into its form, and builds the tables with DOM calls, never
 * with HTML from data.
 */
export const INBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>pbxlab inbox</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
  table { border-collapse: collapse; margin: .5rem 0 1.5rem; }
  th, td { border-bottom: 1px solid #ddd; padding: .3rem .6rem; text-align: left; font-weight: normal; }
  th { background: #f3f3f3; font-weight: 600; }
  tr.unheard td { font-weight: bold; }
  button { margin-right: .2rem; }
  #error { color: #b00020; }
  form { margin: .5rem 0; }
</style>
</head>
<body>
<h1>Inbox</h1>
<form id="login" hidden><label>Token <input id="token" type="password" autocomplete="off"></label> <button>Open</button></form>
<p id="who"></p>
<p id="error" role="alert"></p>
<section id="voicemail">
  <h2>Voice messages</h2>
  <label>Mailbox <select id="mailbox"></select></label>
  <button id="download-marked" type="button">Download marked</button>
  <button id="email-marked" type="button">E-mail marked</button>
  <button id="delete-marked" type="button">Delete marked</button>
  <table id="messages">
    <thead><tr><th></th><th>Listen</th><th>Date</th><th>Protocol</th><th>From / To</th><th>Reason</th><th>Actions</th></tr></thead>
    <tbody></tbody>
  </table>
  <audio id="player" controls hidden></audio>
</section>
<section id="recordings-section">
  <h2>Recordings</h2>
  <form id="search">
    <label>Day <input id="day" type="date"></label>
    <label>Origin <input id="origin" size="12"></label>
    <label>Destination <input id="destination" size="12"></label>
    <button>Search</button>
  </form>
  <button id="download-selected" type="button">Download selected</button>
  <button id="delete-selected" type="button">Delete selected</button>
  <table id="recordings">
    <thead><tr><th></th><th>Date</th><th>Protocol</th><th>Type</th><th>Origin</th><th>Destination</th><th>Duration</th><th>Size</th><th>Notes</th><th>Actions</th></tr></thead>
    <tbody></tbody>
  </table>
</section>
<script>
"use strict";
const REASONS = { "no-answer": "no answer", busy: "busy", "not-registered": "not logged in", unconditional: "unconditional forward", direct: "direct" };
let token = new URLSearchParams(location.hash.slice(1)).get("token") || sessionStorage.getItem("pbxlab-token") || "";
const $ = (id) => document.getElementById(id);

function showError(text) { $("error").textContent = text; }

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: "Bearer " + token } });
  if (response.status === 401) { $("login").hidden = false; throw new Error("the token was refused"); }
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return response;
}

function cell(row, text) { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
function button(parent, label, action, name) {
  const b = document.createElement("button");
  b.type = "button"; b.textContent = label; b.dataset.action = name;
  b.addEventListener("click", () => action().catch((e) => showError(e.message)));
  parent.appendChild(b); return b;
}
function localTime(iso) { return new Date(iso).toLocaleString(); }
function seconds(ms) { return (ms / 1000).toFixed(1) + " s"; }

let lastDownload = "";
async function save(path, fileName) {
  const blob = await (await api(path)).blob();
  if (lastDownload) URL.revokeObjectURL(lastDownload);
  const a = document.createElement("a");
  a.href = lastDownload = URL.createObjectURL(blob); a.download = fileName;
  document.body.appendChild(a); a.click(); a.remove();
}

async function play(path) {
  const blob = await (await api(path)).blob();
  const player = $("player");
  player.hidden = false; player.src = URL.createObjectURL(blob); player.play().catch(() => {});
}

async function loadMailboxes() {
  const boxes = await (await api("/api/mailboxes")).json();
  const select = $("mailbox");
  const chosen = select.value;
  select.replaceChildren(...boxes.map((b) => { const o = document.createElement("option"); o.value = b.number; o.textContent = b.number + " " + b.owner + " (" + b.new + " new)"; return o; }));
  if (boxes.some((b) => b.number === chosen)) select.value = chosen;
  $("voicemail").hidden = boxes.length === 0;
}

async function loadMessages() {
  const mailbox = $("mailbox").value;
  const body = $("messages").tBodies[0];
  if (!mailbox) { body.replaceChildren(); return; }
  const messages = await (await api("/api/mailboxes/" + mailbox + "/messages")).json();
  body.replaceChildren(...messages.map((m) => {
    const base = "/api/mailboxes/" + mailbox + "/messages/" + encodeURIComponent(m.id);
    const row = document.createElement("tr");
    row.dataset.id = m.id; row.dataset.heard = String(m.heard);
    if (!m.heard) row.className = "unheard";
    const mark = document.createElement("input"); mark.type = "checkbox"; mark.className = "mark"; mark.value = m.id;
    cell(row, "").appendChild(mark);
    button(cell(row, ""), "Play", async () => { await play(base + "/audio.wav"); await refresh(); }, "play");
    cell(row, localTime(m.date));
    cell(row, m.id);
    cell(row, (m.fromName ? m.fromName + " <" + m.from + ">" : m.from) + " / " + m.to);
    cell(row, REASONS[m.reason] || m.reason);
    const actions = cell(row, "");
    for (const f of ["wav", "gsm", "mp3"]) button(actions, f.toUpperCase(), async () => { await save(base + "/audio." + f, m.id + "." + f); await refresh(); }, "download-" + f);
    if (!m.heard) button(actions, "Mark heard", async () => { await api(base, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ heard: true }) }); await refresh(); }, "mark-heard");
    button(actions, "Delete", async () => { await api(base, { method: "DELETE" }); await refresh(); }, "delete");
    return row;
  }));
}

async function loadRecordings() {
  const query = new URLSearchParams();
  for (const f of ["day", "origin", "destination"]) if ($(f).value) query.set(f, $(f).value);
  const recordings = await (await api("/api/recordings" + (query.size ? "?" + query : ""))).json();
  $("recordings").tBodies[0].replaceChildren(...recordings.map((r) => {
    const base = "/api/recordings/" + encodeURIComponent(r.protocol);
    const row = document.createElement("tr");
    row.dataset.protocol = r.protocol; row.dataset.stem = (r.fileName || r.protocol).replace(/\\.wav$/i, "");
    const mark = document.createElement("input"); mark.type = "checkbox"; mark.className = "select"; mark.value = r.protocol;
    cell(row, "").appendChild(mark);
    cell(row, localTime(r.date)); cell(row, r.protocol); cell(row, r.type || "");
    cell(row, r.origin); cell(row, r.destination); cell(row, seconds(r.durationMs));
    cell(row, Math.round(r.sizeBytes / 1024) + " KB"); cell(row, r.notes.map((n) => n.text).join("; "));
    const actions = cell(row, "");
    button(actions, "Play", () => play(base + "/audio.wav"), "play");
    const stem = row.dataset.stem;
    for (const f of ["wav", "gsm", "mp3"]) button(actions, f.toUpperCase(), () => save(base + "/audio." + f, stem + "." + f), "download-" + f);
    button(actions, "Delete", async () => { await api(base, { method: "DELETE" }); await loadRecordings(); }, "delete");
    return row;
  }));
}

async function refresh() {
  showError("");
  await loadMailboxes();
  await loadMessages();
  document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
}

async function start() {
  if (!token) { $("login").hidden = false; return; }
  const who = await (await api("/api/whoami")).json();
  $("who").textContent = who.role === "admin" ? "Administrator: every extension" : "Extension " + who.extension;
  await refresh();
  await loadRecordings().catch((e) => { if (!/no route/.test(e.message)) throw e; $("recordings-section").hidden = true; });
  document.body.dataset.ready = "true";
}

$("login").addEventListener("submit", (e) => { e.preventDefault(); token = $("token").value; sessionStorage.setItem("pbxlab-token", token); $("login").hidden = true; start().catch((x) => showError(x.message)); });
$("mailbox").addEventListener("change", () => loadMessages().catch((e) => showError(e.message)));
$("search").addEventListener("submit", (e) => { e.preventDefault(); loadRecordings().catch((x) => showError(x.message)); });
const checked = (kind) => [...document.querySelectorAll("input." + kind + ":checked")].map((c) => c.value);
function onMarked(id, kind, action) {
  $(id).addEventListener("click", () => { const marked = checked(kind); if (marked.length > 0) action(marked).catch((e) => showError(e.message)); });
}
const post = (path, body) => api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const messages = () => "/api/mailboxes/" + $("mailbox").value + "/messages";
onMarked("download-marked", "mark", async (ids) => {
  for (const id of ids) await save(messages() + "/" + encodeURIComponent(id) + "/audio.wav", id + ".wav");
  await refresh();
});
onMarked("email-marked", "mark", async (ids) => { await post(messages() + "/email", { ids }); await refresh(); });
onMarked("delete-marked", "mark", async (ids) => { await post(messages() + "/delete", { ids }); await refresh(); });
onMarked("download-selected", "select", async (protocols) => {
  for (const p of protocols) await save("/api/recordings/" + encodeURIComponent(p) + "/audio.wav", document.querySelector('tr[data-protocol="' + CSS.escape(p) + '"]').dataset.stem + ".wav");
});
onMarked("delete-selected", "select", async (protocols) => {
  await post("/api/recordings/delete", { protocols });
  await loadRecordings();
  document.body.dataset.recordings = String(Number(document.body.dataset.recordings || 0) + 1);
});
start().catch((e) => showError(e.message));
</script>
</body>
</html>
`;
