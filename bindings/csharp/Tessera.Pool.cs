// tessera C#: object pools of blittable structs with ref access.
using System;
using System.Runtime.InteropServices;

namespace Tessera
{
    /// <summary>What a pool does when every slot is live.</summary>
    public enum PoolPolicy : uint
    {
        /// <summary>Alloc throws TesseraException with TESS_FULL.</summary>
        Fail = NativeMethods.TESS_POOL_FAIL,
        /// <summary>Add a chunk of slots; elements never move.</summary>
        Grow = NativeMethods.TESS_POOL_GROW,
        /// <summary>Reuse the least recently allocated element's slot and report its handle.</summary>
        EvictOldest = NativeMethods.TESS_POOL_EVICT_OLDEST,
    }

    /// <summary>A pool of blittable structs (no reference fields) in native memory, with O(1) Alloc/Free
    /// and generation-checked ulong handles (0 = none). <c>pool[h]</c> is a <c>ref T</c> into the slot, so
    /// fields are updated in place without copies. A stale, double-freed or foreign handle throws
    /// TesseraException (TESS_STALE_HANDLE), never touches another element.
    /// Ownership: Dispose (or the finalizer) frees the native pool; refs must not outlive it or Free.
    /// Thread-safety: one thread at a time per pool.</summary>
    public sealed unsafe class Pool<T> : TessHandle where T : struct
    {
        /// <summary>Size of T in bytes as the runtime lays it out.</summary>
        public static readonly int ElementSize = MemoryMarshal.AsBytes(new Span<T>(new T[1])).Length;

        /// <summary>Alignment requested for T: the largest power of two dividing its size, at most 8
        /// (a struct's size is a multiple of its alignment, which is at most 8).</summary>
        public static readonly int ElementAlign = Math.Min(8, ElementSize & -ElementSize);

        public Pool(uint capacity, PoolPolicy policy = PoolPolicy.Fail, bool debugFill = false)
        {
            // Span<T> over native memory throws for T with reference fields: check before allocating.
            if (RuntimeHelpersIsReferenceOrContainsReferences())
                throw new ArgumentException(typeof(T).Name + " has reference fields; a pool holds blittable structs only");
            TessPool* raw = null;
            Status.Check(NativeMethods.tess_pool_new((uint)ElementSize, (uint)ElementAlign, capacity, (uint)policy,
                debugFill ? NativeMethods.TESS_POOL_FLAG_DEBUG_FILL : 0u, &raw));
            SetHandle((IntPtr)raw);
        }

        private static bool RuntimeHelpersIsReferenceOrContainsReferences()
        {
            try
            {
                // The pointer constructor rejects such T whatever the length.
                byte probe = 0;
                return new Span<T>(&probe, 0).Length != 0;
            }
            catch (ArgumentException)
            {
                return true;
            }
        }

        private TessPool* Ptr
        {
            get { return (TessPool*)Raw; }
        }

        /// <summary>Copies <paramref name="value"/> into a free slot and returns its handle.</summary>
        public ulong Alloc(T value)
        {
            ulong evicted;
            return Alloc(value, out evicted);
        }

        /// <summary>As Alloc; <paramref name="evicted"/> is the handle an EvictOldest pool evicted, or 0.</summary>
        public ulong Alloc(T value, out ulong evicted)
        {
            ulong h = 0, old = 0;
            void* p = null;
            Status.Check(NativeMethods.tess_pool_alloc(Ptr, &h, &p, &old));
            new Span<T>(p, 1)[0] = value;
            evicted = old;
            return h;
        }

        /// <summary>A reference to the element behind <paramref name="handle"/>; throws on a stale handle.</summary>
        public ref T this[ulong handle]
        {
            get
            {
                void* p = null;
                Status.Check(NativeMethods.tess_pool_get(Ptr, handle, &p));
                return ref new Span<T>(p, 1)[0];
            }
        }

        /// <summary>Copies the element out; false for a stale handle.</summary>
        public bool TryGet(ulong handle, out T value)
        {
            void* p = null;
            if (NativeMethods.tess_status_succeeded(NativeMethods.tess_pool_get(Ptr, handle, &p)) == 0)
            {
                value = default(T);
                return false;
            }
            value = new Span<T>(p, 1)[0];
            return true;
        }

        /// <summary>Whether the handle names a live element of this pool.</summary>
        public bool Contains(ulong handle)
        {
            void* p = null;
            return NativeMethods.tess_status_succeeded(NativeMethods.tess_pool_get(Ptr, handle, &p)) != 0;
        }

        /// <summary>Frees the element; throws on a stale handle (double free).</summary>
        public void Free(ulong handle)
        {
            Status.Check(NativeMethods.tess_pool_free_item(Ptr, handle));
        }

        /// <summary>Number of live elements.</summary>
        public uint Count
        {
            get
            {
                uint n = 0;
                Status.Check(NativeMethods.tess_pool_live_count(Ptr, &n));
                return n;
            }
        }

        /// <summary>Capacity, live count, high-water mark, element size, evictions.</summary>
        public TessPoolStats Stats
        {
            get
            {
                TessPoolStats s;
                Status.Check(NativeMethods.tess_pool_stats(Ptr, &s));
                return s;
            }
        }

        /// <summary>Live handles in slot order.</summary>
        public ulong[] Handles()
        {
            uint n = 0;
            Status.Check(NativeMethods.tess_pool_live_handles(Ptr, null, 0, &n));
            var result = new ulong[n];
            if (n == 0) return result;
            fixed (ulong* o = result)
            {
                Status.Check(NativeMethods.tess_pool_live_handles(Ptr, o, n, &n));
            }
            return result;
        }

        /// <summary>Frees every element; every handle becomes stale.</summary>
        public void Clear()
        {
            Status.Check(NativeMethods.tess_pool_clear(Ptr));
        }

        protected override bool ReleaseHandle()
        {
            NativeMethods.tess_pool_free((TessPool*)handle);
            return true;
        }
    }
}
