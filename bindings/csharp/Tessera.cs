// tessera: the idiomatic C# layer over the generated NativeMethods.g.cs (P/Invoke).
// Shared pieces: status checks that throw TesseraException, and the SafeHandle base class.
//
// Coordinates: tessera is right-handed with Y up (Recast's convention). Unity is left-handed with Y up:
// negate Z when passing positions in and out (Vector3(x, y, -z)).
using System;
using System.Runtime.InteropServices;
using System.Text;

namespace Tessera
{
    /// <summary>A failed tessera call: the status word and the library's message.</summary>
    public class TesseraException : Exception
    {
        public uint Status { get; private set; }

        public TesseraException(uint status, string message) : base(message)
        {
            Status = status;
        }

        /// <summary>True when the status carries the given detail bit(s).</summary>
        public bool Has(uint detail)
        {
            return NativeMethods.tess_status_has_detail(Status, detail) != 0;
        }
    }

    /// <summary>Status helpers.</summary>
    public static unsafe class Status
    {
        /// <summary>Throws TesseraException when the status is a failure; returns it otherwise.</summary>
        public static uint Check(uint status)
        {
            if (NativeMethods.tess_status_failed(status) != 0)
            {
                throw new TesseraException(status, Name(status) + ": " + LastErrorMessage());
            }
            return status;
        }

        /// <summary>The static name of a status (e.g. "INVALID_PARAM").</summary>
        public static string Name(uint status)
        {
            return Marshal.PtrToStringAnsi((IntPtr)NativeMethods.tess_status_str(status));
        }

        /// <summary>This thread's last error message.</summary>
        public static string LastErrorMessage()
        {
            int length = (int)NativeMethods.tess_last_error_message(null, UIntPtr.Zero);
            byte[] buffer = new byte[length + 1];
            fixed (byte* p = buffer)
            {
                NativeMethods.tess_last_error_message(p, (UIntPtr)buffer.Length);
            }
            return Encoding.UTF8.GetString(buffer, 0, length);
        }

        /// <summary>The library version string.</summary>
        public static string Version()
        {
            return Marshal.PtrToStringAnsi((IntPtr)NativeMethods.tess_version());
        }
    }

    /// <summary>Base of every owned tessera object: frees the native object exactly once.</summary>
    public abstract class TessHandle : SafeHandle
    {
        protected TessHandle() : base(IntPtr.Zero, true)
        {
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        /// <summary>The raw pointer, for calls into NativeMethods. Throws when disposed.</summary>
        protected IntPtr Raw
        {
            get
            {
                if (IsClosed || IsInvalid) throw new ObjectDisposedException(GetType().Name);
                return handle;
            }
        }
    }
}
