// tessera: header-only C++17 RAII wrapper over tessera.h.
// Owning classes are move-only; failures throw tess::Error carrying the status and message.
#pragma once

#include "tessera/core.hpp"
#include "tessera/pool.hpp"
#include "tessera/random.hpp"
#include "tessera/grid.hpp"
#include "tessera/router.hpp"
#include "tessera/spatial.hpp"
#include "tessera/svo.hpp"
#include "tessera/navmesh.hpp"
