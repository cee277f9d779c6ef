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
  show("home");
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
