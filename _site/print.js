// The printed edition only (python -m mlsys.pdf adds it to its singlehtml build): prepares the
// one-page book for Chromium to print, after the page's own scripts ran.
// - Every prediction and self-check becomes a numbered question ("Question 4.2") with its
//   choices or a blank, and its answer goes to a list at the end of its chapter.
// - What a prediction folds on the website (the `hidden` attribute) and every <details> print
//   unfolded.
// Then it sets <html data-mlsys-printed="yes">, which the printer waits for, once MathJax has
// typeset the page.
(function () {
  "use strict";

  function chapterNumber(section, fallback) {
    var number = section.querySelector(".section-number");
    return number ? number.textContent.trim().replace(/\.$/, "") : String(fallback);
  }

  function answerHtml(spec) {
    var answer = spec.answer_text ? spec.answer_text + ". " : "";
    var why = spec.kind === "prediction" ? spec.result : spec.explanation;
    return answer.replace(/&/g, "&amp;").replace(/</g, "&lt;") + why;
  }

  function printQuestions() {
    var documents = document.querySelectorAll('span[id^="document-"]');
    documents.forEach(function (marker, index) {
      var section = marker.nextElementSibling;
      if (!section) return;
      var questions = section.querySelectorAll(".mlsys-question[data-spec]");
      if (!questions.length) return;
      var chapter = chapterNumber(section, index + 1);
      var list = document.createElement("dl");
      questions.forEach(function (question, i) {
        var spec = JSON.parse(question.dataset.spec);
        var label = "Question " + chapter + "." + (i + 1);
        var id = "answer-" + chapter + "-" + (i + 1);
        var legend = question.querySelector("legend");
        if (legend) legend.insertAdjacentHTML("afterbegin", "<strong>" + label + ".</strong> ");
        question.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
        question.insertAdjacentHTML("beforeend", '<p class="mlsys-see-answer">Answer: <a href="#' +
          id + '">at the end of the chapter</a>.</p>');
        list.insertAdjacentHTML("beforeend", '<dt id="' + id + '">' + label + " (" +
          (spec.kind === "prediction" ? "prediction" : "self-check") + "): " +
          spec.question.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</dt><dd>" +
          answerHtml(spec) + "</dd>");
      });
      var answers = document.createElement("section");
      answers.className = "mlsys-answers";
      answers.innerHTML = "<h4>Answers to the questions of chapter " + chapter + "</h4>";
      answers.appendChild(list);
      section.appendChild(answers);
    });
  }

  function unfold() {
    document.querySelectorAll(".bd-article [hidden]").forEach(function (el) {
      if (!el.closest(".mlsys-question")) el.removeAttribute("hidden");
    });
    document.querySelectorAll(".bd-article details").forEach(function (el) { el.open = true; });
  }

  function typeset() {
    var mathjax = window.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) return mathjax.startup.promise;
    return Promise.resolve();
  }

  window.addEventListener("load", function () {
    printQuestions();
    unfold();
    typeset().then(function () {
      return document.fonts ? document.fonts.ready : null;
    }).then(function () {
      document.documentElement.dataset.mlsysPrinted = "yes";
    });
  });
})();
