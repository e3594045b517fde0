package e2e_test

import (
	"context"
	"testing"

	"github.com/safeduty/safeduty/internal/apptest"
	"github.com/safeduty/safeduty/internal/platform/auth"
	"github.com/safeduty/safeduty/internal/platform/db"
)

// On a phone, the town head (孙东湖, signed in as his own account) finds this week's
// duty on his home, opens the task, taps the big "确认已完成" button and sees it done,
// with the confirmation as its evidence.
func TestBrowser_DutyConfirmOnPhone(t *testing.T) {
	s := newSession(t, 390, 844, true)
	e := s.e
	ctx := context.Background()
	hash, err := auth.HashPassword(apptest.Password)
	if err != nil {
		t.Fatal(err)
	}
	head := e.F.TownHeads[0]
	org := e.F.Units["town1gov"]
	name, display := "sundonghu", "孙东湖"
	if err := e.App.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := e.App.Auth.CreateUser(ctx, tx, auth.System(), auth.UserInput{Username: &name, DisplayName: &display, OrgID: &org,
			PersonID: &head, Roles: []auth.Role{auth.Town}, PasswordHash: hash})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var task db.ID
	if err := e.App.DB.QueryRow(ctx, `SELECT t.id FROM duty_tasks t JOIN duty_items i ON i.id = t.item_id WHERE t.person_id = ? AND i.evidence = 'confirm'`,
		head).Scan(&task); err != nil {
		t.Fatal(err)
	}

	s.open("/login")
	s.signIn(name, apptest.Password)
	s.open("/")
	s.wantText("home panel", "本周我的职责", "每月巡查镇政府机关消防安全")
	s.shot("du1-home-phone")
	s.open("/tasks/" + task.String())
	s.wantText("task page", "每月巡查镇政府机关消防安全", "待完成", "确认已完成")
	s.shot("du2-task-phone")
	s.submit(".duty-big-button", ".flash")
	s.wantText("task done", "已确认完成", "已完成", "已关联佐证")
	if s.visibleIn(".duty-big-button") {
		t.Error("the confirm button is still offered after the task is done")
	}
	s.noProblems()
	s.shot("du3-task-done-phone")

	var status string
	if err := e.App.DB.QueryRow(ctx, `SELECT status FROM duty_tasks WHERE id = ?`, task).Scan(&status); err != nil || status != "done" {
		t.Errorf("task status %q (%v), want done", status, err)
	}
}
