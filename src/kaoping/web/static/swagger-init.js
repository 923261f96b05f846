// Starts Swagger UI on the API description the page links to (#openapi-url). Kept out of the
// page because the site's Content-Security-Policy allows no inline script.
window.addEventListener("DOMContentLoaded", function () {
  var link = document.getElementById("openapi-url");
  window.ui = SwaggerUIBundle({
    url: link.getAttribute("href"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null, // never send the description to an online validator
    tryItOutEnabled: false,
  });
});
