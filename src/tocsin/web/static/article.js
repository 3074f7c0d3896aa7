/* The article page: clicking an event card (or its trigger in the text) highlights the
   event's sentence and trigger. Only classes change; the text is never rewritten. */
(function () {
  "use strict";

  function cardFor(eventId) {
    var cards = document.querySelectorAll(".event-card");
    for (var i = 0; i < cards.length; i++) {
      if (cards[i].getAttribute("data-event") === eventId) return cards[i];
    }
    return null;
  }

  function select(card, scrollText) {
    document.querySelectorAll(".sent-active").forEach(function (el) { el.classList.remove("sent-active"); });
    document.querySelectorAll(".event-card.selected").forEach(function (el) {
      el.classList.remove("selected");
      el.setAttribute("aria-pressed", "false");
    });
    card.classList.add("selected");
    card.setAttribute("aria-pressed", "true");
    var id = card.getAttribute("data-event");
    document.querySelectorAll("mark.trig").forEach(function (m) {
      var ids = (m.getAttribute("data-event") || "").split(" ");
      m.classList.toggle("trig-active", ids.indexOf(id) >= 0);
    });
    var index = card.getAttribute("data-sentence");
    var first = null;
    if (index !== null && /^[0-9]+$/.test(index)) {
      document.querySelectorAll("#article-text .s-" + index).forEach(function (el) {
        el.classList.add("sent-active");
        if (!first) first = el;
      });
    }
    if (scrollText && first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (!target || target.closest("a")) return;
    var card = target.closest(".event-card");
    if (card) {
      select(card, true);
      return;
    }
    var mark = target.closest("mark.trig");
    if (mark) {
      var found = cardFor((mark.getAttribute("data-event") || "").split(" ")[0]);
      if (found) {
        select(found, false);
        found.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    }
  });

  document.addEventListener("keydown", function (ev) {
    var target = ev.target instanceof Element ? ev.target : null;
    if (target && target.classList.contains("event-card") && (ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault();
      select(target, true);
    }
  });
})();
