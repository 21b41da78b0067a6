// tessera C#: uniform spatial grid over the XZ plane (neighbour queries, pair scan, k nearest,
// AOI enter/leave events). Unity is left-handed: pass Z negated (see Tessera.cs); distances and
// which entities are near are unaffected by the flip.
using System;
using System.Runtime.InteropServices;

namespace Tessera
{
    /// <summary>Uniform grid over the XZ plane (Y up) holding entities under your own ulong ids.
    /// Distances are inclusive: an entity at exactly the radius is inside. Positions outside the bounds
    /// are kept and filed in border cells. Queries may run from several threads at once while nothing
    /// mutates the grid; Insert/Move/Remove/MoveBatch/AoiUpdate need exclusive access.</summary>
    public sealed unsafe class SpatialGrid : TessHandle
    {
        /// <summary>Grid over [minX, maxX] x [minZ, maxZ] with square cells of side cellSize.</summary>
        public SpatialGrid(float minX, float minZ, float maxX, float maxZ, float cellSize)
        {
            TessSpatialGrid* raw;
            Status.Check(NativeMethods.tess_spatial_grid_new(minX, minZ, maxX, maxZ, cellSize, &raw));
            SetHandle((IntPtr)raw);
        }

        private TessSpatialGrid* Grid
        {
            get { return (TessSpatialGrid*)Raw; }
        }

        public uint Count
        {
            get
            {
                uint n;
                Status.Check(NativeMethods.tess_spatial_grid_len(Grid, &n));
                return n;
            }
        }

        /// <summary>Adds an entity; radius is its AOI view radius and per-entity query reach (0 = none).</summary>
        public void Insert(ulong id, float x, float z, float radius = 0f)
        {
            Status.Check(NativeMethods.tess_spatial_grid_insert(Grid, id, x, z, radius));
        }

        public void Remove(ulong id)
        {
            Status.Check(NativeMethods.tess_spatial_grid_remove(Grid, id));
        }

        public void Move(ulong id, float x, float z)
        {
            Status.Check(NativeMethods.tess_spatial_grid_move(Grid, id, x, z));
        }

        public void SetRadius(ulong id, float radius)
        {
            Status.Check(NativeMethods.tess_spatial_grid_set_radius(Grid, id, radius));
        }

        /// <summary>Moves ids[i] to positions[i] (y ignored) in one native call; all or nothing.
        /// Pass the same ids array every frame: its lookups are remembered.</summary>
        public void MoveBatch(ReadOnlySpan<ulong> ids, ReadOnlySpan<TessVec3> positions)
        {
            if (ids.Length != positions.Length) throw new ArgumentException("ids and positions differ in length");
            fixed (ulong* i = &MemoryMarshal.GetReference(ids))
            fixed (TessVec3* p = &MemoryMarshal.GetReference(positions))
            {
                Status.Check(NativeMethods.tess_spatial_grid_move_batch(Grid, i, p, (uint)ids.Length));
            }
        }

        /// <summary>Position of an entity.</summary>
        public void GetPosition(ulong id, out float x, out float z)
        {
            float px, pz, r;
            Status.Check(NativeMethods.tess_spatial_grid_get(Grid, id, &px, &pz, &r));
            x = px;
            z = pz;
        }

        /// <summary>Ids within radius of (x, z) into output; returns the full count (more than
        /// output.Length means the output was truncated).</summary>
        public int QueryCircle(float x, float z, float radius, Span<ulong> output)
        {
            uint len;
            fixed (ulong* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_query_circle(Grid, x, z, radius, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        /// <summary>Ids in the closed box into output; returns the full count.</summary>
        public int QueryAabb(float minX, float minZ, float maxX, float maxZ, Span<ulong> output)
        {
            uint len;
            fixed (ulong* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_query_aabb(Grid, minX, minZ, maxX, maxZ, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        /// <summary>Other entities within entity id's own radius into output; returns the full count.</summary>
        public int QueryEntity(ulong id, Span<ulong> output)
        {
            uint len;
            fixed (ulong* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_query_entity(Grid, id, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        /// <summary>The output.Length nearest entities within maxDist, nearest first; returns how many.</summary>
        public int Nearest(float x, float z, Span<TessSpatialHit> output, float maxDist = float.PositiveInfinity)
        {
            uint len;
            fixed (TessSpatialHit* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_nearest(Grid, x, z, maxDist, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        /// <summary>Every pair within r, each once (a &lt; b), into output; returns the full count.</summary>
        public int PairsWithin(float r, Span<TessIdPair> output)
        {
            uint len;
            fixed (TessIdPair* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_pairs_within(Grid, r, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        /// <summary>AOI update: (observer, target) pairs that entered and left view since the last
        /// update. Returns the full counts; when one exceeds its span, read the rest with AoiEvents.</summary>
        public void AoiUpdate(Span<TessIdPair> enter, Span<TessIdPair> leave, out int enterCount, out int leaveCount)
        {
            uint ne, nl;
            fixed (TessIdPair* e = &MemoryMarshal.GetReference(enter))
            fixed (TessIdPair* l = &MemoryMarshal.GetReference(leave))
            {
                Status.Check(NativeMethods.tess_spatial_grid_aoi_update(Grid, e, (uint)enter.Length, &ne, l, (uint)leave.Length, &nl));
            }
            enterCount = (int)ne;
            leaveCount = (int)nl;
        }

        /// <summary>AOI update into growing arrays: returns (enter, leave) copies of exactly the events.</summary>
        public void AoiUpdate(out TessIdPair[] enter, out TessIdPair[] leave)
        {
            int ne, nl;
            AoiUpdate(Span<TessIdPair>.Empty, Span<TessIdPair>.Empty, out ne, out nl);
            enter = new TessIdPair[ne];
            leave = new TessIdPair[nl];
            AoiEvents(NativeMethods.TESS_AOI_ENTER, enter);
            AoiEvents(NativeMethods.TESS_AOI_LEAVE, leave);
        }

        /// <summary>Reads the last update's events again (kind: TESS_AOI_ENTER or TESS_AOI_LEAVE).</summary>
        public int AoiEvents(uint kind, Span<TessIdPair> output)
        {
            uint len;
            fixed (TessIdPair* o = &MemoryMarshal.GetReference(output))
            {
                Status.Check(NativeMethods.tess_spatial_grid_aoi_events(Grid, kind, o, (uint)output.Length, &len));
            }
            return (int)len;
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_spatial_grid_free((TessSpatialGrid*)handle);
            return true;
        }
    }
}
