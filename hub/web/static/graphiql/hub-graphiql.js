// The hub's GraphiQL page. Every file it loads comes from the hub (no CDN: the page works
// offline) and this script is a file, not inline, so the page's Content-Security-Policy allows
// scripts from the hub only.
"use strict";

(function () {
  const EXAMPLE = `# The network hub's GraphQL API. Put your bearer token in the Headers tab below,
# then run this query with Ctrl-Enter (or the play button).
{
  entity(code: "DE") {
    name
    currency
    kpiValues(period: ["2024"], kpi: ["turnover"]) { amount currency provenance }
  }
}
`;
  const fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: EXAMPLE,
      defaultHeaders: JSON.stringify({ Authorization: "Bearer <token>" }, null, 2),
      defaultEditorToolsVisibility: "headers",
      // A token is a password: it is not written to the browser's storage.
      shouldPersistHeaders: false,
    }),
  );
})();
