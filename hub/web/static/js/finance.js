// Finance's page: who has reported what (and acting on a report), the nodes, exchange rates, the
// consolidation with its drill-down, lock and journals, the mappings of national accounts, and
// the ownership register.

import { $, say } from "./finance-common.js";
import { mountConsolidation } from "./finance-consolidation.js";
import { mountMappings } from "./finance-mappings.js";
import { mountNodes } from "./finance-nodes.js";
import { mountOwnership } from "./finance-ownership.js";
import { mountRates } from "./finance-rates.js";
import { mountStatus } from "./finance-status.js";
import { mountHeader } from "./header.js";
import { requireUser } from "./session.js";

async function start() {
  const user = await requireUser("finance");
  mountHeader(user);
  mountRates();
  mountConsolidation();
  await Promise.all([mountStatus(), mountNodes(), mountMappings(), mountOwnership()]);
  document.body.dataset.ready = "true";
}

start().catch((error) => say($("page-error"), error.message));
