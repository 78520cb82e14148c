; Inno Setup 6 script: a per-machine, silent-capable installer for the belcoach bundle.
;
; Build (packaging\windows\build_windows.ps1 does all of it):
;   pyinstaller ... packaging\app.spec      -> build\dist\belcoach\
;   set BELCOACH_VERSION=0.1.0
;   iscc packaging\windows\belcoach.iss     -> build\out\belcoach-0.1.0-setup.exe
;
; Silent install / upgrade / uninstall (docs\it.md):
;   belcoach-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%TEMP%\belcoach.log"
;   "C:\Program Files\belcoach\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; What it does: installs to C:\Program Files\belcoach (64-bit, admin only, never
; per user), a Start-menu entry for all users (belcoach-app.exe, no console),
; belcoach.exe on the machine PATH, and %ProgramData%\belcoach for the IT policy
; with an ACL that lets only administrators and SYSTEM write there (the default
; ProgramData ACL would let any user create policy.toml and so lift the locks).
; The policy file and users' data are never removed by uninstalling.
; NOT BUILT OR RUN HERE: written for the GitHub Actions windows runner.

#define AppVersion GetEnv("BELCOACH_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif
#define Bundle "..\..\build\dist\belcoach"

[Setup]
; Never change AppId: upgrades find the installed version by it.
AppId={{8C1D7D0B-6E47-4F4B-9B7E-0B6C0A1E2D33}
AppName=belcoach
AppVersion={#AppVersion}
AppVerName=belcoach {#AppVersion}
AppPublisher=belcoach
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\belcoach
DefaultGroupName=belcoach
DisableProgramGroupPage=yes
DisableDirPage=auto
DisableReadyPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\build\out
OutputBaseFilename=belcoach-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes
CloseApplications=yes
RestartApplications=no
SetupLogging=yes
UninstallDisplayIcon={app}\belcoach-app.exe
UninstallDisplayName=belcoach {#AppVersion}

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "nl"; MessagesFile: "compiler:Languages\Dutch.isl"
Name: "sv"; MessagesFile: "compiler:Languages\Swedish.isl"

[InstallDelete]
; An upgrade replaces the whole bundle, so no stale library of the old version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Dirs]
Name: "{commonappdata}\belcoach"; Flags: uninsneveruninstall

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\policy\policy.example.toml"; DestDir: "{app}\policy"; Flags: ignoreversion
Source: "..\..\docs\it.md"; DestDir: "{app}\docs"; Flags: ignoreversion

[Icons]
Name: "{commonprograms}\belcoach"; Filename: "{app}\belcoach-app.exe"; WorkingDir: "{app}"

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
  ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
  Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
; Administrators (S-1-5-32-544) and SYSTEM (S-1-5-18) may write the policy folder;
; Users (S-1-5-32-545) may only read it. SIDs, so it works in every Windows language.
Filename: "{sys}\icacls.exe"; \
  Parameters: """{commonappdata}\belcoach"" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F *S-1-5-32-545:(OI)(CI)RX"; \
  Flags: runhidden waituntilterminated; StatusMsg: "Securing the policy folder..."

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment',
    'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

procedure RemovePath(Dir: string);
var
  Paths: string;
  P: Integer;
begin
  if not RegQueryStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment',
    'Path', Paths) then
    exit;
  P := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';');
  if P = 0 then
    exit;
  { P is the ';' before Dir in ';' + Paths + ';', i.e. Paths[P - 1]; Dir starts at Paths[P] }
  if P = 1 then
    Delete(Paths, 1, Length(Dir) + 1)    { first entry: remove 'Dir;' }
  else
    Delete(Paths, P - 1, Length(Dir) + 1); { remove ';Dir' }
  RegWriteExpandStringValue(HKLM, 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment',
    'Path', Paths);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    RemovePath(ExpandConstant('{app}'));
end;
