// Starts Swagger UI on this server's own document. No validator badge: it
// would send the document to validator.swagger.io, and nothing here may
// leave the server's origin.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
    persistAuthorization: false,
    defaultModelsExpandDepth: 0,
  });
});
