// The page a reset link opens (/reset#token=…). The token is in the #fragment, which the browser never sends
// to a server: opening the link spends nothing, and the token reaches no access log. Submitting the form does.

const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
history.replaceState(null, "", location.pathname); // the token leaves the address bar and the history

const form = document.getElementById("reset-form");
const status = document.getElementById("status");

function say(message, isError = false) {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

if (token === "") {
  form.hidden = true;
  say("This link has no token: ask for a new one from the sign-in page.", true);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = new FormData(form).get("password");
  const response = await fetch("/auth/password/reset", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password }),
  });
  if (!response.ok) {
    let message = `The server answered ${response.status}.`;
    try {
      message = (await response.json()).error.message;
    } catch {}
    return say(message, true);
  }
  form.hidden = true;
  say("Your password has changed and every session has ended. Sign in with the new password.");
});
