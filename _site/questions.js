// Predictions and self-checks on the website, with no kernel and no network (mlsys/questions.py
// writes the forms and all their wording; this script only wires them).
//
// A prediction folds everything after its cell up to <div class="prediction-end"></div> until
// the reader commits; then the fold opens and their guess stands beside the result. Committed
// predictions are kept in the browser's local storage, per page, and a button resets them.
// A self-check answers with the feedback for the reader's choice or number.
(function () {
  "use strict";
  var STORE = "mlsys-book:predictions";

  function pageKey() {
    var root = document.documentElement.dataset.content_root || "./";
    var rootPath = new URL(root, location.href).pathname;
    return location.pathname.slice(rootPath.length) || "index.html";
  }

  function load() {
    try {
      return JSON.parse(localStorage.getItem(STORE)) || {};
    } catch (error) {
      return {};
    }
  }

  function save(all) {
    try {
      localStorage.setItem(STORE, JSON.stringify(all));
    } catch (error) {
      // Storage can be full or switched off: the page still works, it just forgets on reload.
    }
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // The reader's number from what they typed ("9.6", "9,6", "1,000", " 10 % "), or null.
  function parseNumber(text) {
    var cleaned = String(text).trim().replace(/[%x×]+$/, "").trim().replace("\u2212", "-");
    if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(cleaned)) cleaned = cleaned.replace(/,/g, "");
    cleaned = cleaned.replace(",", ".");
    if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return null;
    var value = Number(cleaned);
    return isFinite(value) ? value : null;
  }

  function said(text) {
    return String(text).trim().replace(/[%x×]+$/, "").trim();
  }

  function withUnit(number, unit) {
    if (!unit) return number;
    return ["%", "x", "×"].indexOf(unit) >= 0 ? number + unit : number + " " + unit;
  }

  function given(form, spec) {
    if (spec.form === "choice") {
      var checked = form.querySelector("input[type=radio]:checked");
      return checked ? checked.value : null;
    }
    var value = form.querySelector("input[type=text]").value;
    return value.trim() === "" ? null : value;
  }

  function predictionFeedback(spec, value) {
    if (spec.form === "choice") return spec.responses[Number(value)];
    if (parseNumber(value) === null) return "Enter a number first.";
    return "You said " + escapeHtml(withUnit(said(value), spec.unit)) + ". Here: " +
      escapeHtml(spec.answer_text) + ". " + spec.result;
  }

  function selfCheckFeedback(spec, value) {
    if (spec.form === "choice") return spec.responses[Number(value)];
    var number = parseNumber(value);
    if (number === null) return "Enter a number first.";
    if (Math.abs(number - spec.answer) <= spec.tolerance) return "Right. " + spec.explanation;
    for (var i = 0; i < spec.mistakes.length; i++) {
      var mistake = spec.mistakes[i][0];
      if (Math.abs(number - mistake) <= Math.max(spec.tolerance, 1e-9 * Math.abs(mistake))) {
        return "Not quite. " + spec.mistakes[i][1];
      }
    }
    return "Not quite: " + escapeHtml(withUnit(said(value), spec.unit)) + " is too " +
      (number > spec.answer ? "high" : "low") + ".";
  }

  // The elements a prediction folds: the siblings after its cell, up to its end line.
  function foldedBy(question) {
    var cell = question.closest(".cell") || question;
    var folded = [];
    for (var el = cell.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.matches(".prediction-end")) return folded;
      if (el.querySelector(".mlsys-prediction")) break;
      folded.push(el);
    }
    console.warn("mlsys: no prediction-end line after prediction " + question.dataset.id);
    return [];
  }

  function setFolded(question, folded) {
    question.folded.forEach(function (el) {
      if (folded) el.setAttribute("hidden", "");
      else el.removeAttribute("hidden");
    });
    question.classList.toggle("mlsys-is-folded", folded);
    var note = question.querySelector(".mlsys-fold-note");
    if (note) note.hidden = !folded;
  }

  function showPrediction(question, spec, value) {
    var form = question.querySelector("form");
    var feedback = question.querySelector(".mlsys-feedback");
    form.querySelectorAll("input").forEach(function (input) {
      if (spec.form === "choice") input.checked = input.value === String(value);
      else input.value = value;
      input.disabled = true;
    });
    form.querySelector("button[type=submit]").disabled = true;
    feedback.innerHTML = "<p>" + predictionFeedback(spec, value) + "</p>";
    var reset = document.createElement("button");
    reset.type = "button";
    reset.className = "mlsys-reset";
    reset.textContent = "Reset my predictions on this page";
    reset.addEventListener("click", resetPage);
    feedback.appendChild(reset);
    setFolded(question, false);
  }

  function clearPrediction(question) {
    var form = question.querySelector("form");
    form.querySelectorAll("input").forEach(function (input) {
      input.disabled = false;
      if (input.type === "radio") input.checked = false;
      else input.value = "";
    });
    form.querySelector("button[type=submit]").disabled = false;
    question.querySelector(".mlsys-feedback").innerHTML = "";
    setFolded(question, true);
  }

  function resetPage() {
    var all = load();
    delete all[pageKey()];
    save(all);
    var questions = document.querySelectorAll(".mlsys-prediction");
    questions.forEach(clearPrediction);
    if (questions.length) questions[0].querySelector("input").focus();
  }

  function setUpPrediction(question, spec, stored) {
    question.dataset.id = spec.id;
    question.folded = foldedBy(question);
    var note = document.createElement("p");
    note.className = "mlsys-fold-note";
    note.textContent = "The experiment and what it shows are folded until you commit.";
    question.querySelector(".mlsys-actions").appendChild(note);
    var form = question.querySelector("form");
    var feedback = question.querySelector(".mlsys-feedback");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = given(form, spec);
      if (value === null || (spec.form === "number" && parseNumber(value) === null)) {
        feedback.innerHTML = "<p>" + (spec.form === "choice" ? "Choose one of the answers first."
          : "Enter a number first.") + "</p>";
        return;
      }
      var all = load();
      (all[pageKey()] = all[pageKey()] || {})[spec.id] = value;
      save(all);
      showPrediction(question, spec, value);
    });
    if (stored !== undefined) showPrediction(question, spec, stored);
    else setFolded(question, true);
  }

  function setUpSelfCheck(question, spec) {
    var form = question.querySelector("form");
    var feedback = question.querySelector(".mlsys-feedback");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = given(form, spec);
      feedback.innerHTML = "<p>" + (value === null ? (spec.form === "choice"
        ? "Choose one of the answers first." : "Enter a number first.")
        : selfCheckFeedback(spec, value)) + "</p>";
    });
    form.querySelector(".mlsys-show").addEventListener("click", function () {
      feedback.innerHTML = "<p>The answer: " + escapeHtml(spec.answer_text) + ". " +
        spec.explanation + "</p>";
    });
  }

  function setUp() {
    var stored = load()[pageKey()] || {};
    document.querySelectorAll(".mlsys-question[data-spec]").forEach(function (question) {
      var spec = JSON.parse(question.dataset.spec);
      if (spec.kind === "prediction") setUpPrediction(question, spec, stored[spec.id]);
      else setUpSelfCheck(question, spec);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
