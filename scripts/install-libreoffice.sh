#!/bin/sh
# LibreOffice Calc for the print test (a result workbook converted to PDF, headless).
# Installed from Debian only where `soffice` is missing; needs root (or sudo).
set -e
command -v soffice >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y libreoffice-calc
