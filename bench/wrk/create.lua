-- wrk script: POST /api/v1/hazards with valid, varied bodies (a grid, an industry, a
-- category and a grade drawn at random). GRID_MAX (env) is the highest grid id to draw.
local grids = tonumber(os.getenv("GRID_MAX") or "100")
local industries = {"construction", "gas", "fire", "education", "agriculture"}
local categories = {"unsafe_act", "unsafe_condition", "environment", "management"}
local grades = {"general", "general", "general", "major"}
local n = 0
-- wrk.format uses wrk.headers (the -H flags) when given no headers of its own.
wrk.headers["Content-Type"] = "application/json"

request = function()
  n = n + 1
  local body = string.format(
    '{"title":"压测隐患 %d","description":"负载测试生成的隐患描述 %d","category":"%s","industry":"%s","grade":"%s","grid_id":"%d","place":"压测场所 %d"}',
    n, n, categories[math.random(#categories)], industries[math.random(#industries)],
    grades[math.random(#grades)], math.random(grids), n)
  return wrk.format("POST", "/api/v1/hazards", nil, body)
end
