// The report forms' location: the device's position, a tap on the map
// without a round trip, and a filter over the list of places. Without this
// script the form still works: the map is an image button the server
// locates, and the list is a plain select.
(function () {
  'use strict';
  var box = document.querySelector('[data-locate]');
  if (!box) return;
  var form = box.form || box.closest('form');
  var lat = form.querySelector('input[name=lat]');
  var lon = form.querySelector('input[name=lon]');
  var status = document.getElementById('locate-status');
  var org = document.getElementById('f-org');
  var pin = document.getElementById('tap-pin');

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? 'field-error' : 'hint located';
  }
  // A position replaces a place chosen from the list: the server finds
  // the grid and the nearest building there.
  function place(la, lo, text) {
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    if (org) org.value = '';
    say(text, false);
  }

  var map = document.getElementById('tapmap');
  // The pin where a position lies on the map, if it lies on it.
  function showPin(la, lo) {
    if (!pin || !map) return;
    var r = map.getBoundingClientRect();
    var x = (lo - parseFloat(map.dataset.lon0)) / parseFloat(map.dataset.dlon);
    var y = (parseFloat(map.dataset.lat0) - la) / parseFloat(map.dataset.dlat);
    var vbw = parseFloat(map.dataset.vbw), vbh = parseFloat(map.dataset.vbh);
    pin.hidden = !(x >= 0 && y >= 0 && x <= vbw && y <= vbh);
    pin.style.left = (x * r.width / vbw) + 'px';
    pin.style.top = (y * r.height / vbh) + 'px';
  }

  var me = document.getElementById('locate-me');
  if (me && navigator.geolocation) {
    me.hidden = false;
    me.addEventListener('click', function () {
      say('正在获取您的位置…', false);
      navigator.geolocation.getCurrentPosition(function (p) {
        showPin(p.coords.latitude, p.coords.longitude);
        place(p.coords.latitude, p.coords.longitude, '已取得您的位置(误差约' + Math.round(p.coords.accuracy) +
          '米),提交后自动定位到所在网格和最近的楼栋。');
      }, function (e) {
        say(e.code === 1 ? '您未允许使用位置。请在地图上点选,或从列表中选择。' :
          '暂时无法取得位置。请在地图上点选,或从列表中选择。', true);
      }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
    });
  }

  if (map) {
    map.addEventListener('click', function (ev) {
      ev.preventDefault();
      if (ev.detail === 0) { // a key, not a tap: there is no point to take
        if (org) org.focus();
        return;
      }
      var r = map.getBoundingClientRect();
      var px = ev.clientX - r.left, py = ev.clientY - r.top;
      var x = px * parseFloat(map.dataset.vbw) / r.width;
      var y = py * parseFloat(map.dataset.vbh) / r.height;
      place(parseFloat(map.dataset.lat0) - y * parseFloat(map.dataset.dlat),
        parseFloat(map.dataset.lon0) + x * parseFloat(map.dataset.dlon),
        '已在地图上选定位置,提交后自动定位到所在网格和最近的楼栋。');
      if (pin) {
        pin.style.left = px + 'px';
        pin.style.top = py + 'px';
        pin.hidden = false;
      }
    });
  }

  if (org) {
    org.addEventListener('change', function () {
      if (org.value !== '') {
        lat.value = '';
        lon.value = '';
        if (pin) pin.hidden = true;
        say('', false);
      }
    });
    var filter = document.getElementById('org-filter');
    if (filter) {
      filter.hidden = false;
      filter.addEventListener('input', function () {
        var q = filter.value.replace(/\s+/g, '');
        var first = null;
        Array.prototype.forEach.call(org.querySelectorAll('optgroup'), function (g) {
          var any = false;
          Array.prototype.forEach.call(g.querySelectorAll('option'), function (o) {
            var hit = q === '' || (g.label + o.text).replace(/\s+/g, '').indexOf(q) >= 0;
            o.hidden = !hit;
            o.disabled = !hit;
            if (hit) { any = true; if (!first) first = o; }
          });
          g.hidden = !any;
        });
        // One keystroke from choosing: the first match is selected.
        if (q !== '' && first) {
          org.value = first.value;
          org.dispatchEvent(new Event('change'));
        }
      });
    }
  }
})();
