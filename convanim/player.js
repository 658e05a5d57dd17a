// convanim's HTML player: moves the SVG's moving layers to a frame, and the controls.
// Reads its data from the <script type="application/json"> inside the player; no
// network, no library. One player per element with data-convanim-player.
(function () {
  "use strict";

  function setup(root) {
    if (root.convanim) return;
    var config = JSON.parse(root.querySelector("script.ca-data").textContent);
    var frames = config.frames;
    var data = config.data;
    var $ = function (selector) { return root.querySelector(selector); };
    var scrub = $(".ca-scrub"), play = $(".ca-play"), count = $(".ca-count");
    var note = $(".ca-note"), speed = $(".ca-speed"), loop = $(".ca-loop");
    var movers = [];
    config.motion.forEach(function (motion) {
      var element = root.querySelector("#" + motion.id);
      if (element) movers.push({ element: element, motion: motion });
    });

    function pathOf(motion, frame) {
      var coords = data[motion.data], vertices = motion.vertices;
      var first = motion.per !== undefined ? frame * motion.per : motion.starts[frame];
      var last = motion.per !== undefined ? first + motion.per : motion.starts[frame + 1];
      var parts = [];
      for (var shape = first; shape < last; shape++) {
        var points = [];
        for (var v = 0; v < vertices; v++) {
          var at = 2 * (shape * vertices + v);
          points.push(coords[at] + " " + coords[at + 1]);
        }
        parts.push("M" + points.join("L") + (motion.closed ? "Z" : ""));
      }
      return parts.join("");
    }

    var state = { frame: 0, playing: false, timer: null };

    function show(frame) {
      frame = Math.max(0, Math.min(frames - 1, frame | 0));
      state.frame = frame;
      movers.forEach(function (mover) {
        var motion = mover.motion;
        if (motion.shift !== undefined) {
          var shift = data[motion.shift];
          mover.element.setAttribute(
            "transform", "translate(" + shift[2 * frame] + " " + shift[2 * frame + 1] + ")");
        } else {
          mover.element.setAttribute("d", pathOf(motion, frame));
        }
      });
      scrub.value = String(frame);
      count.textContent = (frame + 1) + " / " + frames;
      note.textContent = config.notes[frame] || "";
      root.setAttribute("data-frame", String(frame));
    }

    function stop() {
      state.playing = false;
      clearTimeout(state.timer);
      play.textContent = "\u25B6";
      play.setAttribute("aria-label", "Play");
    }

    function tick() {
      var next = state.frame + 1;
      if (next >= frames) {
        if (!loop.checked) { stop(); return; }
        next = 0;
      }
      show(next);
      schedule();
    }

    function schedule() {
      clearTimeout(state.timer);
      state.timer = setTimeout(tick, config.duration / parseFloat(speed.value || "1"));
    }

    function start() {
      if (frames < 2) return;
      if (state.frame >= frames - 1 && !loop.checked) show(0);
      state.playing = true;
      play.textContent = "\u275A\u275A";
      play.setAttribute("aria-label", "Pause");
      schedule();
    }

    function toggle() { if (state.playing) stop(); else start(); }
    function step(by) {
      stop();
      var next = state.frame + by;
      if (loop.checked) next = (next + frames) % frames;
      show(next);
    }

    play.addEventListener("click", toggle);
    $(".ca-prev").addEventListener("click", function () { step(-1); });
    $(".ca-next").addEventListener("click", function () { step(1); });
    scrub.addEventListener("input", function () { stop(); show(parseInt(scrub.value, 10)); });
    speed.addEventListener("change", function () { if (state.playing) schedule(); });
    root.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      if (tag === "INPUT" || tag === "SELECT") return;  // their own keys
      var key = event.key;
      if (tag === "BUTTON" && (key === " " || key === "Enter")) return;  // a click
      if (key === " " || key === "Spacebar" || key === "k") toggle();
      else if (key === "ArrowLeft" || key === "j") step(-1);
      else if (key === "ArrowRight" || key === "l") step(1);
      else if (key === "Home") { stop(); show(0); }
      else if (key === "End") { stop(); show(frames - 1); }
      else return;
      event.preventDefault();
    });

    root.convanim = {
      show: function (frame) { stop(); show(frame); },
      play: start,
      pause: stop,
      get frame() { return state.frame; },
      get playing() { return state.playing; },
    };
    show(0);
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (config.autoplay && !still) start();
    if (root.hasAttribute("data-autofocus")) root.focus();
  }

  // A notebook may run this script before its output is in the document: start with
  // the player holding the script, then any other on the page not yet set up.
  var script = document.currentScript;
  var own = script && script.closest ? script.closest("[data-convanim-player]") : null;
  if (own) setup(own);
  var players = document.querySelectorAll("[data-convanim-player]");
  for (var i = 0; i < players.length; i++) setup(players[i]);
})();
