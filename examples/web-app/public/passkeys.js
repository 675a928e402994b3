// Passkeys on the page: add one (signed in), list and remove them, sign in with one (signed out). The browser does
// the WebAuthn ceremony with navigator.credentials; the JSON the server sends and receives is converted by the
// browser's own helpers (PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and
// credential.toJSON()), so the page needs no library. The server checks everything: origin, RP ID, challenge.
import { api, errorMessage, post, run, say, signedIn } from "./app.js";

const $ = (id) => document.getElementById(id);

/** Whether this browser can do passkeys with the JSON helpers. */
const supported = typeof PublicKeyCredential === "function" && typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";

/** A JSON POST with the access token (the passkey routes of a signed-in user). */
function apiPost(path, body) {
  const json = body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  return api(path, { method: "POST", ...json });
}

async function listPasskeys() {
  const response = await api("/auth/passkeys");
  if (!response.ok) throw new Error(await errorMessage(response));
  const { passkeys } = await response.json();
  const list = $("passkey-list");
  list.replaceChildren(
    ...passkeys.map((passkey) => {
      const item = document.createElement("li");
      item.dataset.id = passkey.id;
      const label = document.createElement("span");
      label.textContent = `${passkey.name ?? "Passkey"} (${passkey.deviceType === "multiDevice" ? "synced" : "this device"})`;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.addEventListener("click", () => run(() => removePasskey(passkey.id)));
      item.append(label, " ", remove);
      return item;
    }),
  );
  $("passkey-count").textContent = String(passkeys.length);
}

async function addPasskey() {
  say("Creating a passkey…");
  const options = await apiPost("/auth/passkeys/registration-options");
  if (!options.ok) return say(await errorMessage(options), true);
  const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(await options.json());
  const credential = await navigator.credentials.create({ publicKey });
  const response = await apiPost("/auth/passkeys/register", { response: credential.toJSON(), name: "This browser" });
  if (!response.ok) return say(await errorMessage(response), true);
  await listPasskeys();
  say("Passkey added.");
}

async function removePasskey(id) {
  const response = await api(`/auth/passkeys/${encodeURIComponent(id)}`, { method: "DELETE" });
  if (!response.ok) return say(await errorMessage(response), true);
  await listPasskeys();
  say("Passkey removed.");
}

async function signInWithPasskey() {
  say("Waiting for your passkey…");
  const options = await post("/auth/passkeys/authentication-options");
  if (!options.ok) return say(await errorMessage(options), true);
  const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(await options.json());
  const credential = await navigator.credentials.get({ publicKey });
  const response = await post("/auth/passkeys/signin", { response: credential.toJSON() });
  if (!response.ok) return say(await errorMessage(response), true);
  const body = await response.json();
  if (body.mfaRequired) return say("This account also needs its authenticator app's code (not in this demo).", true);
  await signedIn(body);
}

if (supported) {
  $("passkey-signin").addEventListener("click", () => run(signInWithPasskey));
  $("passkey-add").addEventListener("click", () => run(addPasskey));
  $("passkey-show").addEventListener("click", () =>
    run(async () => {
      await listPasskeys();
      say("Passkeys listed.");
    }),
  );
} else {
  for (const id of ["passkey-signin", "passkey-add", "passkey-show"]) $(id).disabled = true;
}
