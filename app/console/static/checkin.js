"use strict";
const $ = (id) => document.getElementById(id);
const rawActivityId = new URLSearchParams(location.search).get("activity");
// Encoded once here, so a crafted ?activity= cannot reach another API path.
const activityId = rawActivityId && encodeURIComponent(rawActivityId);
const token = sessionStorage.getItem("access_token");
const auth = { Authorization: `Bearer ${token}` };

async function call(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...auth, "Content-Type": "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || body.title);
  return body;
}

async function rotate() {
  const response = await fetch(`/api/v1/activities/${activityId}/checkin-code.png`, { headers: auth });
  if (!response.ok) throw new Error((await response.json()).detail);
  const old = $("qr").src;
  $("qr").src = URL.createObjectURL(await response.blob());
  if (old) URL.revokeObjectURL(old);
  $("expires").textContent = new Date().toLocaleTimeString();
}

function cell(text) { const td = document.createElement("td"); td.textContent = text ?? "—"; return td; }

async function decide(id, decision) {
  const reason = decision === "reject" ? prompt("驳回原因 Reason") : null;
  if (decision === "reject" && !reason) return;
  await call(`/api/v1/attendances/${id}/verify`, { method: "POST", body: JSON.stringify(reason ? { decision, reason } : { decision }) });
  await loadAttendances();
}

async function loadAttendances() {
  const page = await call(`/api/v1/activities/${activityId}/attendances?limit=100`);
  $("rows").replaceChildren(...page.items.map((a) => {
    const tr = document.createElement("tr");
    const flags = document.createElement("td");
    for (const f of a.flags) { const s = document.createElement("span"); s.className = "flag"; s.textContent = f; flags.append(s); }
    const actions = document.createElement("td");
    if (a.status === "pending" && a.hours !== null) {
      for (const decision of ["approve", "reject"]) {
        const b = document.createElement("button"); b.type = "button";
        b.textContent = decision === "approve" ? "通过 Approve" : "驳回 Reject";
        b.addEventListener("click", () => decide(a.id, decision).catch((e) => { $("error").textContent = e.message; }));
        actions.append(b);
      }
    }
    tr.append(cell(a.resident), cell(a.checked_in_at && new Date(a.checked_in_at).toLocaleTimeString()),
      cell(a.checked_out_at && new Date(a.checked_out_at).toLocaleTimeString()), cell(a.hours), cell(a.status), flags, actions);
    return tr;
  }));
  $("attendances").hidden = false;
}

async function start() {
  if (!token) { location.href = "../"; return; }
  if (!activityId) throw new Error("Open this page as checkin.html?activity=<id>.");
  const activity = await call(`/api/v1/activities/${activityId}`);
  $("title").textContent = activity.title;
  $("when").textContent = `${new Date(activity.starts_at).toLocaleString()} – ${new Date(activity.ends_at).toLocaleTimeString()} · ${activity.location.address}`;
  $("code").hidden = false;
  await rotate();
  await loadAttendances();
  setInterval(() => rotate().catch((e) => { $("error").textContent = e.message; }), 30000);
  setInterval(() => loadAttendances().catch(() => {}), 15000);
}

start().catch((e) => { $("error").textContent = e.message; });
