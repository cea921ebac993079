// The public premises map: drawn from the list's own items (data-lat, data-lon), which stay
// the accessible alternative. Nothing happens without Leaflet or without a tile server.
(function () {
  "use strict";
  var box = document.getElementById("premises-map");
  if (!box || typeof L === "undefined") { return; }
  var items = document.querySelectorAll(".premises-unit[data-lat]");
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution || "" })
    .addTo(map);
  var bounds = [];
  items.forEach(function (item) {
    var point = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lon)];
    if (isNaN(point[0]) || isNaN(point[1])) { return; }
    var link = document.createElement("a");
    link.href = item.dataset.url;
    link.textContent = item.dataset.label;
    L.marker(point, { alt: item.dataset.label }).addTo(map).bindPopup(link);
    bounds.push(point);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 }); }
  else { map.setView([45.76, 4.84], 11); }
})();
