"""The Word draft as PDF, when LibreOffice is installed on the server (optional).

LibreOffice runs headless in a temporary profile, so two conversions at once (or a desktop
session of the same user) cannot lock each other out. Blocking: call it from a worker thread.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["CONVERT_TIMEOUT", "docx_to_pdf", "libreoffice"]

log = logging.getLogger(__name__)
CONVERT_TIMEOUT = 120.0  # seconds; a first start of LibreOffice on a small server is slow


def libreoffice() -> str | None:
    """The LibreOffice program on this machine, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, timeout: float = CONVERT_TIMEOUT) -> bytes | None:
    """*data* (.docx) converted to PDF; None when LibreOffice is missing or fails."""
    program = libreoffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="thidua-pdf-") as folder:
        work = Path(folder)
        source = work / "du-thao.docx"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("pdf.convert_failed", extra={"reason": type(exc).__name__})
            return None
        target = source.with_suffix(".pdf")
        return target.read_bytes() if target.exists() else None
