// The household's consent screen, opened by the mini-program in its web-view. It takes the
// resident's access token from the address's fragment (the browser never sends a fragment)
// into this tab's sessionStorage and out of the address, reads the household, its partner
// banks, consents and the banks' questions from the JSON API, and lets the head give and
// withdraw consents. Every word shown comes from the page (the catalogue) or the API.
"use strict";
(function () {
  const KEY = "h5.access_token";
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const say = page.messages;
  const status = document.getElementById("status");
  const partnersBox = document.getElementById("partners");
  const queriesList = document.getElementById("queries");
  const moreQueries = document.getElementById("more-queries");
  const moment = new Intl.DateTimeFormat("zh-CN", {
    timeZone: page.zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  let token = null;
  let queriesCursor = null;

  function takeToken() {
    const given = new URLSearchParams(window.location.hash.slice(1)).get("access_token");
    if (given) {
      // Out of the address at once: not in the history, not in a shared or copied link.
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      try { window.sessionStorage.setItem(KEY, given); } catch (e) { /* this page only */ }
      return given;
    }
    try { return window.sessionStorage.getItem(KEY); } catch (e) { return null; }
  }

  function forgetToken() {
    token = null;
    try { window.sessionStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
  }

  // An answer the page cannot use: `kind` says why (a key of the page's messages, or
  // "refused" with the API's own words in `detail`).
  function Failure(kind, detail, statusCode) {
    this.kind = kind;
    this.detail = detail || null;
    this.status = statusCode || 0;
  }

  function problemWords(answer) {
    if (!answer || typeof answer.detail !== "string") return null;
    const fields = Array.isArray(answer.errors)
      ? answer.errors.map(function (e) { return e.message; }).filter(Boolean)
      : [];
    return [answer.detail].concat(fields).join(" ");
  }

  async function api(method, path, body, idempotencyKey) {
    const headers = { "Accept": "application/json", "Authorization": "Bearer " + token };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let response;
    try {
      response = await window.fetch(path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "omit",
      });
    } catch (e) {
      throw new Failure("offline");
    }
    let answer = null;
    try { answer = await response.json(); } catch (e) { answer = null; }
    if (response.ok) return answer;
    if (response.status === 401) throw new Failure("expired");
    throw new Failure("refused", problemWords(answer), response.status);
  }

  function fill(root, selector, text) {
    root.querySelector(selector).textContent = text;
  }

  function clone(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function when(iso) {
    const parts = {};
    moment.formatToParts(new Date(iso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute;
  }

  function newKey() {
    return window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : null;
  }

  function show(id, visible) {
    document.getElementById(id).hidden = !visible;
  }

  function signedOut(message) {
    forgetToken();
    show("household", false);
    show("no-household", false);
    document.getElementById("signed-out-message").textContent = message;
    show("signed-out", true);
    status.textContent = "";
  }

  function failed(failure, where) {
    if (failure.kind === "expired") return signedOut(say.expired);
    if (failure.kind === "refused" && failure.status === 403 && where === status) {
      return signedOut(say.not_resident);
    }
    where.textContent = failure.detail || say[failure.kind] || say.failed;
  }

  // --- what the household reads ------------------------------------------------------------

  function termRow(line) {
    const row = clone("term-template");
    fill(row, ".band", line.band);
    fill(row, ".scores", line.min_score + "–" + line.max_score);
    fill(row, ".limit", String(line.loan_limit));
    fill(row, ".rate", line.rate);
    return row;
  }

  function consentItem(consent, head) {
    const item = clone("consent-template");
    item.dataset.purpose = consent.purpose;
    item.dataset.state = consent.state;
    fill(item, ".purpose", consent.purpose_name);
    fill(item, ".state", page.states[consent.state] || "");
    const withdrawn = consent.state === "withdrawn";
    item.querySelector(".until-line").hidden = withdrawn;
    item.querySelector(".withdrawn-line").hidden = !withdrawn;
    fill(item, ".until", consent.until);
    if (withdrawn) fill(item, ".withdrawn-at", when(consent.withdrawn_at));
    const button = item.querySelector(".withdraw");
    if (!head || consent.state !== "live") {
      button.remove();
      item.querySelector(".confirm").remove();
      return item;
    }
    const confirm = item.querySelector(".confirm");
    const yes = confirm.querySelector(".confirm-yes");
    const error = item.querySelector(".form-error");
    button.addEventListener("click", function () {
      confirm.hidden = false;
      button.hidden = true;
      yes.focus();
    });
    confirm.querySelector(".confirm-no").addEventListener("click", function () {
      confirm.hidden = true;
      button.hidden = false;
      button.focus();
    });
    yes.addEventListener("click", async function () {
      yes.disabled = true;
      error.textContent = "";
      try {
        await api("POST", "/api/v1/me/household/consents/" + encodeURIComponent(consent.id)
          + "/withdrawal");
      } catch (failure) {
        yes.disabled = false;
        return failed(failure, error);
      }
      await load(say.withdrawn);
    });
    return item;
  }

  function refuse(error, message, field) {
    error.textContent = message;
    field.focus();
  }

  function consentForm(form, partner) {
    const error = form.querySelector(".form-error");
    const button = form.querySelector("button[type=submit]");
    // A retry of the same choice after the network failed carries the same key: the service
    // answers it once (the first answer replayed), never twice.
    let attempt = { body: null, key: null };
    fill(form, ".recipient", partner.name);
    fill(form, ".recipient-contact", partner.contact || say.no_contact);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      error.textContent = "";
      const fields = form.elements;
      if (!fields.purpose.value) return refuse(error, say.choose_purpose, fields.purpose);
      if (!fields.until.value) return refuse(error, say.choose_until, fields.until);
      if (!fields.agree.checked) return refuse(error, say.agree_first, fields.agree);
      const body = { partner: partner.id, purpose: fields.purpose.value, until: fields.until.value };
      if (JSON.stringify(body) !== attempt.body) {
        attempt = { body: JSON.stringify(body), key: newKey() };
      }
      button.disabled = true;
      try {
        await api("POST", "/api/v1/me/household/consents", body, attempt.key);
      } catch (failure) {
        // What the household chose stays as it was: only the refusal is added.
        button.disabled = false;
        if (failure.kind !== "offline") attempt = { body: null, key: null };
        return failed(failure, error);
      }
      await load(say.given);
    });
  }

  function partnerCard(partner, consents, head) {
    const card = clone("partner-template");
    card.dataset.partner = partner.id;
    fill(card, ".partner-name", partner.name);
    card.querySelector(".terms tbody").replaceChildren(...partner.terms.map(termRow));
    const standing = card.querySelector(".standing");
    if (partner.band) {
      fill(standing, ".band", partner.band.band);
      fill(standing, ".limit", String(partner.band.loan_limit));
      fill(standing, ".rate", partner.band.rate);
      fill(standing, ".period", partner.period_name || "");
      card.querySelector(".no-standing").remove();
    } else {
      standing.remove();
    }
    const mine = consents.filter(function (c) { return c.partner_id === partner.id; });
    const list = card.querySelector(".consents");
    list.replaceChildren(...mine.map(function (c) { return consentItem(c, head); }));
    if (mine.length) card.querySelector(".no-consents").remove();
    const form = card.querySelector(".consent-form");
    if (head) consentForm(form, partner);
    else form.remove();
    return card;
  }

  function queryItem(query) {
    const item = clone("query-template");
    item.dataset.outcome = query.outcome;
    fill(item, ".asked-at", when(query.asked_at));
    fill(item, ".partner", query.partner);
    fill(item, ".purpose", query.purpose_name);
    fill(item, ".outcome", page.outcomes[query.outcome] || "");
    return item;
  }

  async function showQueries(cursor) {
    const path = "/api/v1/me/household/partner-queries?limit=20"
      + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    const found = await api("GET", path);
    const items = found.items.map(queryItem);
    if (cursor) items.forEach(function (item) { queriesList.appendChild(item); });
    else queriesList.replaceChildren(...items);
    queriesCursor = found.next_cursor;
    moreQueries.hidden = !queriesCursor;
    show("no-queries", !cursor && items.length === 0);
  }

  async function load(announcement) {
    let me, mine;
    try {
      [me, mine] = await Promise.all([
        api("GET", "/api/v1/me"),
        api("GET", "/api/v1/me/household"),
      ]);
      if (me.kind !== "resident") return signedOut(say.not_resident);
      if (!mine.household) {
        show("household", false);
        show("no-household", true);
        status.textContent = "";
        return;
      }
      const household = mine.household;
      const head = household.head === me.resident.id;
      const [partners, consents] = await Promise.all([
        api("GET", "/api/v1/me/household/partners?limit=100"),
        api("GET", "/api/v1/me/household/consents?limit=100"),
      ]);
      document.getElementById("household-name").textContent = household.name;
      document.getElementById("household-number").textContent = household.id;
      show("head-only", !head);
      partnersBox.replaceChildren(...partners.items.map(function (p) {
        return partnerCard(p, consents.items, head);
      }));
      show("no-partners", partners.items.length === 0);
      await showQueries(null);
    } catch (failure) {
      return failed(failure, status);
    }
    show("household", true);
    status.textContent = announcement || "";
  }

  moreQueries.addEventListener("click", async function () {
    moreQueries.disabled = true;
    try {
      await showQueries(queriesCursor);
    } catch (failure) {
      failed(failure, status);
    }
    moreQueries.disabled = false;
  });

  token = takeToken();
  if (!token) signedOut(say.no_token);
  else load();
})();
