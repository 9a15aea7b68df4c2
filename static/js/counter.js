/* Counter page: scan a coupon with the phone camera (BarcodeDetector where the browser has it,
   typed entry otherwise), poll face-to-face payments, show the pay code full screen.
   No framework, no CDN; everything degrades to plain forms and links. */
(function () {
  "use strict";

  function scanner() {
    var button = document.getElementById("scan-button");
    var form = document.getElementById("redeem-form");
    if (!button || !form) return;
    var input = document.getElementById("coupon-code");
    var box = document.getElementById("scanner");
    var video = document.getElementById("scanner-video");
    var status = document.getElementById("scan-status");
    var stop = document.getElementById("scan-stop");
    var supported = "BarcodeDetector" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia;
    if (!supported) return; // typed entry only: the button stays hidden
    button.hidden = false;
    var stream = null, timer = null;

    function end() {
      if (timer) { clearInterval(timer); timer = null; }
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
      box.hidden = true;
    }

    button.addEventListener("click", function () {
      var detector;
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "ean_13", "code_39"] });
      } catch (e) {
        status.textContent = button.dataset.unsupported;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s;
        video.srcObject = s;
        box.hidden = false;
        video.play();
        timer = setInterval(function () {
          if (video.readyState < 2) return;
          detector.detect(video).then(function (codes) {
            if (!codes.length) return;
            var value = codes[0].rawValue || "";
            // A coupon QR may carry a URL; the code is its last path segment or ?code=.
            var match = value.match(/[?&]code=([^&#]+)/) || value.match(/\/([A-Za-z0-9_-]+)\/?$/);
            input.value = match ? decodeURIComponent(match[1]) : value.trim();
            end();
            form.submit();
          }).catch(function () {});
        }, 250);
      }).catch(function () {
        status.textContent = button.dataset.denied;
        end();
      });
    });
    stop.addEventListener("click", end);
  }

  function payments() {
    var feed = document.getElementById("payments-feed");
    if (!feed) return;
    var every = parseInt(feed.dataset.every, 10) || 5000;

    function render(data) {
      if (typeof data === "string") { feed.innerHTML = data; return; }
      var items = Array.isArray(data) ? data : (data.payments || data.results || []);
      feed.textContent = "";
      if (!items.length) {
        var p = document.createElement("p");
        p.className = "muted";
        p.textContent = feed.dataset.empty;
        feed.appendChild(p);
        return;
      }
      var ul = document.createElement("ul");
      ul.className = "plain payments";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var amount = document.createElement("strong");
        amount.textContent = item.amount_display || item.amount || item.total_display || "";
        var when = document.createElement("span");
        when.className = "muted small";
        when.textContent = " " + (item.time_display || item.paid_at || "") + " " + (item.note || "");
        li.appendChild(amount);
        li.appendChild(when);
        ul.appendChild(li);
      });
      feed.appendChild(ul);
    }

    function poll() {
      fetch(feed.dataset.url, { headers: { "X-Requested-With": "XMLHttpRequest" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          var type = r.headers.get("Content-Type") || "";
          return type.indexOf("json") >= 0 ? r.json() : r.text();
        })
        .then(render)
        .catch(function () {
          var p = feed.querySelector(".feed-error") || document.createElement("p");
          p.className = "muted small feed-error";
          p.textContent = feed.dataset.error;
          feed.appendChild(p);
        });
    }
    poll();
    setInterval(function () { if (!document.hidden) poll(); }, every);
  }

  function payCode() {
    var show = document.getElementById("pay-code-show");
    var panel = document.getElementById("pay-code-panel");
    var close = document.getElementById("pay-code-close");
    if (!show || !panel) return;
    function hide() {
      panel.hidden = true;
      if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(function () {});
      show.focus();
    }
    show.addEventListener("click", function () {
      panel.hidden = false;
      if (panel.requestFullscreen) panel.requestFullscreen().catch(function () {});
      close.focus();
    });
    close.addEventListener("click", hide);
    document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) hide(); });
    document.addEventListener("fullscreenchange", function () { if (!document.fullscreenElement && !panel.hidden) panel.hidden = true; });
  }

  document.addEventListener("DOMContentLoaded", function () { scanner(); payments(); payCode(); });
})();
