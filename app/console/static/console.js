"use strict";
const store = window.sessionStorage;
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = { "Content-Type": "application/json", ...(options.headers || {}) };
  const token = store.getItem("access_token");
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { ...options, headers });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw Object.assign(new Error(body.detail || body.title), { problem: body });
  return body;
}

function show(section) {
  for (const id of ["login", "home"]) $(id).hidden = id !== section;
}

async function loadHome() {
  const me = await api("/api/v1/me");
  const staff = me.staff || {};
  $("who").textContent = `${staff.display_name || staff.username} · ${me.role}`;
  const rows = [["用户名 Username", staff.username], ["角色 Role", me.role],
    ["辖区 District", staff.district || "—"], ["社区 Communities", (staff.communities || []).join(", ") || "—"]];
  $("profile").replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    return [dt, dd];
  }));
  const districts = await api("/api/v1/districts");
  $("districts").replaceChildren(...districts.items.map((d) => {
    const li = document.createElement("li"); li.textContent = `${d.name} (${d.code})`; return li;
  }));
  if (me.role !== "platform_admin") await Promise.all([loadActivities(), loadDeeds()]);
  show("home");
}

function cell(text) {
  const td = document.createElement("td"); td.textContent = text; return td;
}

function button(label, onClick) {
  const b = document.createElement("button"); b.type = "button"; b.textContent = label;
  b.addEventListener("click", onClick); return b;
}

async function loadActivities() {
  const page = await api("/api/v1/activities?limit=50");
  $("activities").tBodies[0].replaceChildren(...page.items.map((a) => {
    const row = document.createElement("tr");
    const link = document.createElement("a");
    link.href = `static/checkin.html?activity=${encodeURIComponent(a.id)}`;
    link.textContent = "现场签到 Check-in";
    const actions = document.createElement("td"); actions.append(link);
    row.append(cell(a.title), cell(a.community), cell(new Date(a.starts_at).toLocaleString("zh-CN")),
      cell(`${a.enrolled}/${a.capacity} (+${a.waitlisted})`), cell(a.status), actions);
    return row;
  }));
}

async function review(deed, decision) {
  const reason = decision === "reject" ? window.prompt("驳回理由 Reason") : null;
  if (decision === "reject" && !reason) return;
  await api(`/api/v1/deeds/${encodeURIComponent(deed.id)}/review`, {
    method: "POST", body: JSON.stringify(reason ? { decision, reason } : { decision }),
  });
  await loadDeeds();
}

async function loadDeeds() {
  const page = await api("/api/v1/deeds?status=pending&limit=50");
  $("deeds-empty").hidden = page.items.length > 0;
  $("deeds").tBodies[0].replaceChildren(...page.items.map((d) => {
    const row = document.createElement("tr");
    const actions = document.createElement("td");
    actions.append(button("通过 Approve", () => review(d, "approve")),
      button("驳回 Reject", () => review(d, "reject")));
    row.append(cell(d.action), cell(d.description), cell(new Date(d.occurred_at).toLocaleString("zh-CN")),
      cell(d.flags.join(", ")), actions);
    return row;
  }));
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $("login-error").textContent = "";
  try {
    const tokens = await api("/api/v1/auth/login", {
      method: "POST", body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
    });
    store.setItem("access_token", tokens.access_token);
    await loadHome();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

$("logout").addEventListener("click", () => { store.clear(); $("who").textContent = ""; show("login"); });

if (store.getItem("access_token")) loadHome().catch(() => { store.clear(); show("login"); });
else show("login");
