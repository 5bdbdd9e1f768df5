-- Argo CD health check for roadmap.dev/v1alpha1 Goal (see docs/argocd-health.md).
--
--   no status, no Ready condition, or
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the controller"
--   Stalled=True (ParentNotFound, DependencyCycle:
--     the spec is broken)                              -> Degraded, Ready condition's message
--   AtRisk=True                                        -> Degraded, AtRisk condition's message
--   Ready=True                                         -> Healthy, "<progress>% done, <blocked> of <total>
--                                                         initiatives blocked" (reason NoInitiatives: the
--                                                         Ready message, as there is nothing to count)
--   anything else                                      -> Progressing, Ready message
--
-- The operator's verdict is read, never re-derived from reasons: Stalled=True is broken, whatever the reason (the
-- kubectl plugin and kstatus read the same condition).
-- Argo CD runs this script without Lua's string and math libraries; missing fields must never raise an
-- error (Argo CD would show Unknown), so every field is read defensively (status.progress is omitted at 0).

local hs = {}

local function tbl(v)
  if type(v) == "table" then
    return v
  end
  return {}
end

local function str(v)
  if type(v) == "string" then
    return v
  end
  return ""
end

local function num(v)
  if type(v) == "number" then
    return v
  end
  return 0
end

local function first(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "string" and v ~= "" then
      return v
    end
  end
  return ""
end

local function condition(conditions, conditionType)
  for _, c in ipairs(tbl(conditions)) do
    if type(c) == "table" and c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local waiting = "Waiting for the controller"

local o = tbl(obj)
local metadata = tbl(o.metadata)
local status = o.status
if type(status) ~= "table" then
  hs.status = "Progressing"
  hs.message = waiting
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready == nil or num(status.observedGeneration) < num(metadata.generation) then
  hs.status = "Progressing"
  hs.message = waiting
  return hs
end
local readyMessage = str(ready.message)

local stalled = condition(status.conditions, "Stalled")
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
