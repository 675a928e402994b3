// The page's side of cookie mode, in plain JavaScript (no build step). passkeys.js adds the passkey buttons on top of
// the helpers this module exports.
// The refresh token is in an HttpOnly cookie: this script never sees it; the browser sends it to this origin.
// The access token is kept in a variable of this module (not localStorage, not a cookie) and sent as
// `Authorization: Bearer`. When it is refused (401), the page gets a new one from /auth/refresh and retries once.

let accessToken = null;
let refreshing = null; // one refresh at a time in this tab
const channel = new BroadcastChannel("auth"); // tells this origin's other tabs about sign-in and sign-out

const $ = (id) => document.getElementById(id);

/** The refresh cookie was refused (absent, expired, revoked or replayed): the user must sign in. */
class SignedOut extends Error {}

function say(message, isError = false) {
  $("status").textContent = message;
  $("status").classList.toggle("error", isError);
}

async function errorMessage(response) {
  try {
    return (await response.json()).error.message;
  } catch {
    return `The server answered ${response.status}.`;
  }
}

/** A same-origin POST: the browser adds `Origin` (the handler's CSRF check) and the refresh cookie. */
function post(path, body) {
  const json = body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  return fetch(path, { method: "POST", credentials: "same-origin", ...json });
}

/** A new access token from the refresh cookie (which the server rotates). Throws SignedOut when refused. */
function refresh() {
  refreshing ??= (async () => {
    const response = await post("/auth/refresh");
    if (!response.ok) {
      accessToken = null;
      throw new SignedOut(await errorMessage(response));
    }
    accessToken = (await response.json()).accessToken;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** A request with the access token: on 401, one refresh and one retry; a second 401 means the session is gone. */
async function api(path, init = {}) {
  const call = () => fetch(path, { ...init, credentials: "same-origin", headers: { ...init.headers, authorization: `Bearer ${accessToken}` } });
  if (accessToken === null) await refresh();
  let response = await call();
  if (response.status === 401) {
    await refresh();
    response = await call();
    if (response.status === 401) throw new SignedOut(await errorMessage(response));
  }
  return response;
}

function showSignedOut(message, isError = false) {
  accessToken = null;
  $("signed-in").hidden = true;
  $("signed-out").hidden = false;
  say(message, isError);
}

async function showProfile() {
  const response = await api("/auth/session");
  if (!response.ok) throw new Error(await errorMessage(response));
  const { user, session } = await response.json();
  $("user-email").textContent = user.email;
  $("user-name").textContent = user.name ?? "—";
  $("user-id").textContent = user.id;
  $("session-id").textContent = session?.id ?? "—";
  $("loaded-at").textContent = new Date().toLocaleTimeString();
  $("signed-out").hidden = true;
  $("signed-in").hidden = false;
}

/** Runs a user action, reporting its failure on the page. */
async function run(action) {
  try {
    await action();
  } catch (err) {
    if (err instanceof SignedOut) showSignedOut(`Your session has ended (${err.message}) Please sign in again.`, true);
    else say(err.message, true);
  }
}

/** Wires a form: its fields as an object to `action`; never a native submit (no password in a URL or a log). */
function onSubmit(id, action) {
  const form = $(id);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    run(() => action(fields, form));
  });
}

/** Signs in or up: keeps the access token, tells the other tabs, shows the profile. */
async function startSession(path, fields, form) {
  say("Signing in…");
  const response = await post(path, fields);
  if (response.status === 202) return say("Check your mail to verify the address, then sign in.");
  if (!response.ok) return say(await errorMessage(response), true);
  form?.reset();
  await signedIn(await response.json());
}

/** A session's answer (sign-in, sign-up, passkey): keeps its access token, tells the other tabs, shows the profile. */
async function signedIn(body) {
  accessToken = body.accessToken;
  channel.postMessage("signed-in");
  await showProfile();
  say("Signed in.");
}

onSubmit("signup-form", ({ email, password, name }, form) => startSession("/auth/signup", { email, password, ...(name ? { name } : {}) }, form));
onSubmit("signin-form", ({ email, password }, form) => startSession("/auth/signin", { email, password }, form));

onSubmit("forgot-form", async ({ email }, form) => {
  const response = await post("/auth/password/reset-request", { email });
  if (!response.ok) return say(await errorMessage(response), true);
  form.reset();
  say("If that address has an account, a reset link is on its way. (Demo: open the outbox.)");
});

$("reload").addEventListener("click", () =>
  run(async () => {
    say("Reloading…");
    await showProfile();
    say("Profile reloaded.");
  }),
);

$("signout").addEventListener("click", () =>
  run(async () => {
    const response = await post("/auth/signout");
    if (!response.ok) return say(await errorMessage(response), true);
    channel.postMessage("signed-out");
    showSignedOut("Signed out.");
  }),
);

channel.addEventListener("message", ({ data }) => {
  if (data === "signed-out") showSignedOut("Signed out in another tab.");
  if (data === "signed-in" && accessToken === null) run(showProfile); // the cookie is shared: refresh and show
});

// On load: a refresh cookie from an earlier visit (or another tab) signs this tab in.
run(async () => {
  try {
    await refresh();
  } catch (err) {
    if (err instanceof SignedOut) return showSignedOut("Sign in or create an account.");
    throw err;
  }
  await showProfile();
  say("Signed in.");
});

export { api, errorMessage, post, run, say, signedIn };
