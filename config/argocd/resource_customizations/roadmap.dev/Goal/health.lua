-- Argo CD health check for roadmap.dev/v1alpha1 Goal (see docs/argocd-health.md).
-- It runs after ../prelude.lua, which defines the helpers and locals used here and answers for an object the
-- controller has not evaluated yet.
--
--   no status, no Ready condition, or
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the controller" (prelude)
--   Stalled=True (ParentNotFound, DependencyCycle:
--     the spec is broken)                              -> Degraded, Ready condition's message
--   AtRisk=True                                        -> Degraded, AtRisk condition's message
--   Ready=True                                         -> Healthy, "<progress>% done, <blocked> of <total>
--                                                         initiatives blocked" (reason NoInitiatives: the
--                                                         Ready message, as there is nothing to count)
--   anything else                                      -> Progressing, Ready message
--
-- status.progress is omitted at 0, so num() reads it as 0.

if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = first(readyMessage, stalled and stalled.message, "goal is Stalled")
  return hs
end

local atRisk = condition(status.conditions, "AtRisk")
if isTrue(atRisk) then
  hs.status = "Degraded"
  hs.message = first(atRisk.message, "goal is at risk")
  return hs
end

if isTrue(ready) then
  hs.status = "Healthy"
  if ready.reason == "NoInitiatives" then
    hs.message = first(readyMessage, "no initiative serves this goal")
    return hs
  end
  local counts = tbl(status.initiatives)
  hs.message = tostring(num(status.progress)) .. "% done, " .. tostring(num(counts.blocked)) .. " of " ..
    tostring(num(counts.total)) .. " initiatives blocked"
  return hs
end

hs.status = "Progressing"
hs.message = first(readyMessage, waiting)
return hs
