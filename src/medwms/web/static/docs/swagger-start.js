// Starts Swagger UI on /docs. A file, not an inline script, so that the page's
// Content-Security-Policy can forbid inline scripts (api/docs.py); the URLs come from
// data- attributes. The options are FastAPI's defaults, with the online validator off
// (it would call validator.swagger.io from a closed network).
(function () {
  "use strict";
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    oauth2RedirectUrl: window.location.origin + root.dataset.oauth2RedirectUrl,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
}());
